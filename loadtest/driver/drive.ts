/**
 * How requests are offered, shared by the run and by the side-by-side
 * (./side-by-side.ts), so that both sides of a comparison are driven the same
 * way: open model (arrivals by the clock, ramped linearly over `rampS`, at
 * most `vus` in flight — an arrival that finds them all busy is missed) or
 * closed (`vus` users, each sending when answered).
 */
export interface DriveShape {
  model: 'open' | 'closed';
  durationS: number;
  /** Open model: arrivals per second after the ramp. */
  rate: number;
  /** Open model: seconds from 0 to `rate`. */
  rampS: number;
  vus: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Offers `one` in `shape` from now on; resolves once every request sent has
 * been answered. Returns the arrivals missed (open model).
 */
export async function drive(shape: DriveShape, one: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  const end = t0 + shape.durationS * 1000;
  if (shape.model === 'closed') {
    await Promise.all(
      Array.from({ length: shape.vus }, async () => {
        while (performance.now() < end) await one();
      }),
    );
    return 0;
  }
  const ramp = shape.rampS * 1000;
  const rate = shape.rate;
  let missed = 0;
  let launched = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  while (performance.now() < end) {
    const el = performance.now() - t0;
    const due = Math.floor(
      el < ramp ? (rate * el * el) / (2 * ramp) / 1000 : (rate * (el - ramp / 2)) / 1000,
    );
    while (launched < due) {
      launched++;
      if (inFlight >= shape.vus) {
        missed++;
        continue;
      }
      inFlight++;
      const p = one().finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
    await sleep(5);
  }
  await Promise.all(pending);
  return missed;
}

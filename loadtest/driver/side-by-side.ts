/**
 * The side-by-side of issue #14: Saksi's ledgered write beside the plain write
 * a team would otherwise build (loadtest/baseline/: Hono, an EdDSA JWT check,
 * one INSERT, no integrity), driven the same way in the same run — the run's
 * model, rate, ramp, users and duration — one after the other, so that each
 * has the machine to itself, and each with the CPU of its own processes
 * measured (the API processes and recap publisher, or the baseline process;
 * and each one's PostgreSQL backends with the shared writers).
 *
 * Ledgered: device-signed C.Hasil versions (form, verified, corrections, as
 * the chains come; `Workload.send('form')`), each authorised by the policy
 * engine and integrated into the log; its receipts join the run's lost-write
 * check. Plain: the same signed bodies POSTed to the baseline with a bearer
 * token per officer.
 */
import type { Baseline } from '../baseline/index.ts';
import { signToken } from '../baseline/index.ts';
import { CpuSampler, IDLE_S, type IdleRate, type ProcessGroup } from './cpu.ts';
import { type DriveShape, drive } from './drive.ts';
import { timed } from './http.ts';
import { quantile } from './stats.ts';
import type { Outcome, Workload } from './workload.ts';

export interface SideFigures {
  /** What was written, in a few words. */
  what: string;
  requests: number;
  errors: number;
  /** Open model: arrivals not sent because `vus` were in flight (or no chain was free). */
  missed: number;
  seconds: number;
  /** Writes answered 201 per second of the phase. */
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  /**
   * CPU milliseconds per accepted write, per process group: `api` is Saksi's
   * API processes or the baseline process; `recap` Saksi's recap publisher
   * (0 for the baseline); `postgres` the backends of the side's database with
   * PostgreSQL's WAL writer, checkpointer and background writer. Null without
   * `--server-pid` (Saksi's processes are not known then).
   */
  cpuMsPerWrite: (Record<ProcessGroup, number> & { total: number }) | null;
  /**
   * CPU ms per second the same processes spent with no request just before the
   * phase (timers, polls; PostgreSQL's shared writers also serve every other
   * database of the server), taken off `cpuMsPerWrite` over the phase's time.
   */
  idleCpuMsPerS?: Record<ProcessGroup, number>;
  sampleErrors: string[];
}

export interface SideBySide {
  shape: DriveShape;
  ledgered: SideFigures;
  plain: SideFigures;
  /**
   * ledgered ÷ plain: `rate` the writes per second (≈ 1 in an open model both
   * sides keep up with; the closed model shows the difference); `writesPerCore`
   * the writes a core carries (the plain CPU per write ÷ the ledgered), the
   * figure that scales out. The aim: 2.
   */
  ratio: { rate: number; writesPerCore: number | null; p99: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

class Phase {
  readonly ms: number[] = [];
  errors = 0;
  missed = 0;
  ok = 0;
  readonly sampleErrors: string[] = [];

  record(ms: number, ok: boolean, why?: string): void {
    this.ms.push(ms);
    if (ok) this.ok++;
    else {
      this.errors++;
      if (why && this.sampleErrors.length < 10) this.sampleErrors.push(why);
    }
  }

  figures(
    what: string,
    seconds: number,
    cpu: Record<ProcessGroup, number> | null,
    idle: IdleRate | undefined,
  ): SideFigures {
    const sorted = [...this.ms].sort((a, b) => a - b);
    const perWrite = (x: number) => r4((x * 1000) / Math.max(1, this.ok));
    return {
      what,
      requests: this.ms.length,
      errors: this.errors,
      missed: this.missed,
      seconds: r2(seconds),
      rate: r2(this.ok / seconds),
      p50: r2(quantile(sorted, 0.5)),
      p95: r2(quantile(sorted, 0.95)),
      p99: r2(quantile(sorted, 0.99)),
      cpuMsPerWrite: cpu
        ? {
            api: perWrite(cpu.api),
            recap: perWrite(cpu.recap),
            postgres: perWrite(cpu.postgres),
            total: perWrite(cpu.api + cpu.recap + cpu.postgres),
          }
        : null,
      ...(idle
        ? {
            idleCpuMsPerS: {
              api: r2(idle.api * 1000),
              recap: r2(idle.recap * 1000),
              postgres: r2(idle.postgres * 1000),
            },
          }
        : {}),
      sampleErrors: this.sampleErrors,
    };
  }
}

/** The plain side has nothing behind its answers; a moment for the last commits' WAL. */
const PLAIN_SETTLE_S = 2;

export async function sideBySide(o: {
  work: Workload;
  baseline: Baseline;
  shape: DriveShape;
  /** Saksi's processes (`--server-pid`, `--database`); without it no CPU figures. */
  cpu: CpuSampler | undefined;
  progress: (line: string) => void;
}): Promise<SideBySide> {
  const { work, shape } = o;
  const measuring = o.cpu?.measuring === true;

  // Ledgered: Saksi's writes alone.
  o.progress(`side by side: ledgered writes, ${describe(shape)}…`);
  const led = new Phase();
  await work.quiesce();
  const ledIdle = measuring ? await o.cpu!.idleRate(IDLE_S) : undefined;
  const ledBefore = measuring ? await o.cpu!.sample() : null;
  let t = performance.now();
  led.missed = await drive(shape, async () => {
    let out: Outcome | null;
    try {
      out = await work.send('form');
    } catch (e) {
      out = { type: 'form', ok: false, ms: 0, status: 0, why: (e as Error).message };
    }
    if (out) led.record(out.ms, out.ok, out.why);
    else if (shape.model === 'open') led.missed++;
    else await sleep(5);
  });
  const ledSeconds = (performance.now() - t) / 1000;
  // The sequencer and the recap publisher work behind the answers: their CPU
  // for these writes is counted once the log has stopped growing.
  await work.quiesce();
  const ledCpu = ledBefore ? CpuSampler.spent(ledBefore, await o.cpu!.sample(), ledIdle) : null;

  // Plain: the same signed bodies, one INSERT each.
  o.progress(`side by side: plain writes to the baseline (${o.baseline.url}), ${describe(shape)}…`);
  const writes = await work.nextWrites();
  const tokens = new Map<string, string>();
  for (const w of writes)
    if (!tokens.has(w.officer))
      tokens.set(w.officer, signToken(o.baseline.keys.privateKey, w.officer));
  const plain = new Phase();
  const baseCpu = CpuSampler.create({
    serverPid: o.baseline.pid,
    databaseUrl: o.baseline.databaseUrl,
  });
  const baseIdle = await baseCpu.idleRate(IDLE_S);
  const baseBefore = await baseCpu.sample();
  let i = 0;
  t = performance.now();
  plain.missed = await drive(shape, async () => {
    const w = writes[i++ % writes.length]!;
    const a = await timed(o.baseline.url, 'POST', '/v1/submissions', {
      token: tokens.get(w.officer)!,
      json: w.body,
    });
    plain.record(a.ms, a.status === 201, `${a.status} ${a.text.slice(0, 200)}`);
  });
  const plainSeconds = (performance.now() - t) / 1000;
  await sleep(PLAIN_SETTLE_S * 1000);
  const plainCpu = CpuSampler.spent(baseBefore, await baseCpu.sample(), baseIdle);
  await baseCpu.close();

  const ledgered = led.figures(
    'device-signed C.Hasil version: JWT, device signature, Cedar policy, idempotency, ledgered (receipt, sequenced into the log, recap)',
    ledSeconds,
    ledCpu,
    ledIdle,
  );
  const plainF = plain.figures(
    'the same body: EdDSA JWT check, one INSERT into a plain table (loadtest/baseline/)',
    plainSeconds,
    plainCpu,
    baseIdle,
  );
  const lt = ledgered.cpuMsPerWrite?.total ?? 0;
  const pt = plainF.cpuMsPerWrite?.total ?? 0;
  return {
    shape,
    ledgered,
    plain: plainF,
    ratio: {
      rate: plainF.rate > 0 ? r2(ledgered.rate / plainF.rate) : 0,
      writesPerCore: lt > 0 && pt > 0 ? r2(pt / lt) : null,
      p99: plainF.p99 > 0 ? r2(ledgered.p99 / plainF.p99) : 0,
    },
  };
}

function describe(s: DriveShape): string {
  return s.model === 'open'
    ? `open model, ${s.rate}/s after a ${s.rampS} s ramp, at most ${s.vus} in flight, ${s.durationS} s`
    : `closed model, ${s.vus} users, ${s.durationS} s`;
}

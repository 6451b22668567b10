/**
 * `saksi demo seed --voters N`: N demo voters registered through the public
 * HTTP API as a PPK's client would (`POST /v1/voters`), at the TPS of kecamatan
 * 317101 in code order, with deterministic records, so a rerun finds the ones
 * already registered (409 DUPLICATE_NIK) and registers the rest. Then it waits
 * until the last one is in a signed checkpoint, by its own self-check.
 */
import type { DemoClient } from './client.ts';
import { demoToken } from './officers.ts';
import { tpsInOrder } from './plan.ts';

/** The demo voters' kecamatan: their NIKs' region, and the TPS they are registered at. */
export const DEMO_VOTER_KECAMATAN = '317101';

/** Voter `i` of the demo: a valid, deterministic record (NIK region 317101). */
export function demoVoter(i: number) {
  const day = (i % 28) + 1;
  const month = (Math.floor(i / 28) % 12) + 1;
  const year = 1950 + (Math.floor(i / 336) % 50);
  const female = i % 2 === 1;
  const dd = String(female ? day + 40 : day).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  const serial = String((Math.floor(i / 16_800) % 9999) + 1).padStart(4, '0');
  return {
    nik: `${DEMO_VOTER_KECAMATAN}${dd}${mm}${String(year % 100).padStart(2, '0')}${serial}`,
    kk: `317101${String(10_000_000_000 + (i % 10_000_000_000)).slice(1)}`,
    name: `Pemilih Demo ${i + 1}`,
    birthPlace: 'Jakarta',
    birthDate: `${year}-${mm}-${String(day).padStart(2, '0')}`,
    sex: female ? 'P' : 'L',
    marital: 'S',
    address: `Jl. Demo No. ${i + 1}, Jakarta Pusat`,
    disability: 'none',
    ektp: true,
  };
}

export interface VoterSeedReport {
  registered: number;
  alreadyThere: number;
}

export async function seedVoters(
  client: DemoClient,
  count: number,
  concurrency = 6,
): Promise<VoterSeedReport> {
  const { token } = await demoToken(client, 'PPK', DEMO_VOTER_KECAMATAN);
  const tps: string[] = [];
  for await (const t of tpsInOrder(client, DEMO_VOTER_KECAMATAN, `${DEMO_VOTER_KECAMATAN}1001001`))
    tps.push(t);
  const report: VoterSeedReport = { registered: 0, alreadyThere: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
      while (next < count) {
        const i = next++;
        const r = await client.request('POST', 'v1/voters', {
          token,
          json: { voter: demoVoter(i), tps: tps[i % tps.length], list: 'DPS' },
          expect: [201, 409],
        });
        if (r.status === 201) report.registered++;
        else report.alreadyThere++;
      }
    }),
  );
  if (count > 0) {
    // The last voter's own self-check answers 503 until its entry is in a
    // checkpoint (the client retries 503), then with its proof.
    const last = demoVoter(count - 1);
    await client.request('POST', 'v1/voters/self-check', {
      json: { nik: last.nik, name: last.name },
      expect: [200],
    });
  }
  return report;
}

/**
 * Waiting until the published recap counts what the seeder completed: every
 * target TPS at its final version in its desa's recap, then the national recap
 * in a signed checkpoint.
 *
 * Counting is checked TPS by TPS, not by comparing the national number of TPS
 * with a count taken before: another seeder (or the server's own start-up
 * seeding) may be adding forms at the same time, and a count would then be
 * reached by their TPS rather than ours. The recap publisher writes every level
 * of a tick in one transaction (../recap/publisher.ts), so once the desa recaps
 * list our versions, any national recap read afterwards includes them.
 */
import { CONTESTS, type Contest } from '../domains/results/forms/index.ts';
import { type DemoClient, SeedError, sleep } from './client.ts';
import type { ContestTotals } from './report.ts';

const POLL_MS = 250;

/** Per contest, per TPS: the version the recap must count. */
export type CountedTarget = Map<Contest, Map<string, number>>;

interface DesaAnswer {
  children: { code: string; seq?: number; status?: string }[];
}

interface NationalAnswer {
  valid: number;
  invalid: number;
  votes: Record<string, number>;
  tps: { accepted: number; flagged: number };
  recap: { index: number | null };
}

export interface WaitOptions {
  deadline: number;
  timeoutMs: number;
  concurrency: number;
  signal: AbortSignal;
  /** Choice names by contest and id, as the seeder saw them on the ballots. */
  names: Map<string, Map<string, string>>;
}

/** Waits until every TPS of `target` is counted; returns the national totals, PPWP first. */
export async function waitUntilCounted(
  client: DemoClient,
  target: CountedTarget,
  o: WaitOptions,
): Promise<ContestTotals[]> {
  const national: ContestTotals[] = [];
  for (const contest of CONTESTS) {
    const want = target.get(contest);
    if (!want || want.size === 0) continue;
    await desaRecapsCount(client, contest, want, o);
    national.push(await nationalInCheckpoint(client, contest, o));
  }
  return national;
}

async function desaRecapsCount(
  client: DemoClient,
  contest: Contest,
  want: Map<string, number>,
  o: WaitOptions,
): Promise<void> {
  const byDesa = new Map<string, [string, number][]>();
  for (const [tps, seq] of want) {
    const desa = tps.slice(0, 10);
    byDesa.set(desa, [...(byDesa.get(desa) ?? []), [tps, seq]]);
  }
  for (;;) {
    const pending = [...byDesa.keys()];
    const done = await mapLimit(pending, o.concurrency, async (desa) => {
      const r = await client.get<DesaAnswer>(`/v1/results/${contest}/areas/${desa}`, [200, 404]);
      if (r.status !== 200) return false;
      const seqOf = new Map(r.body.children.map((c) => [c.code, c.seq]));
      return byDesa.get(desa)!.every(([tps, seq]) => (seqOf.get(tps) ?? 0) >= seq);
    });
    pending.forEach((desa, i) => {
      if (done[i]) byDesa.delete(desa);
    });
    if (byDesa.size === 0) return;
    if (Date.now() > o.deadline) {
      const left = [...byDesa.values()].reduce((n, l) => n + l.length, 0);
      throw new SeedError(
        'TIMEOUT',
        `the ${contest} recap does not count ${left} of ${want.size} TPS after ${Math.round(o.timeoutMs / 1000)} s; is the server's recap publisher running?`,
      );
    }
    await sleep(POLL_MS, o.signal);
  }
}

async function nationalInCheckpoint(
  client: DemoClient,
  contest: Contest,
  o: WaitOptions,
): Promise<ContestTotals> {
  for (;;) {
    const r = await client.get<NationalAnswer>(`/v1/results/${contest}/areas/ID`, [200, 404]);
    // A recap entry not yet in a checkpoint has no index: wait for that too.
    if (r.status === 200 && typeof r.body.recap.index === 'number') {
      const n = r.body;
      const byId = o.names.get(contest);
      return {
        contest,
        accepted: n.tps.accepted,
        flagged: n.tps.flagged,
        valid: n.valid,
        invalid: n.invalid,
        votes: Object.entries(n.votes)
          .map(([id, votes]) => ({ id, name: byId?.get(id), votes }))
          .sort((a, b) => b.votes - a.votes || a.id.localeCompare(b.id, 'en', { numeric: true })),
        recapIndex: n.recap.index as number,
      };
    }
    if (Date.now() > o.deadline)
      throw new SeedError(
        'TIMEOUT',
        `the national ${contest} recap is not in a signed checkpoint after ${Math.round(o.timeoutMs / 1000)} s; is the server's sequencer running?`,
      );
    await sleep(POLL_MS, o.signal);
  }
}

/** `f` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

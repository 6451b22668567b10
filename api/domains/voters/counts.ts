/**
 * Public, provable counts of the register (issue #11), published the way the
 * results recap is (api/domains/results/recap/): a `voters.count.computed`
 * entry per TPS lists the leaf hash of every voter version it counts, and an
 * entry per area lists its children (area, count-entry hash, version and
 * figures), so every published figure is the sum of the entries beneath it,
 * down to the voter entries — which any verifier can fetch and recount.
 *
 * Figures: `lists` counts voters not removed, per list (DPS, DPSHP, DPT, DPTb,
 * DPK); `changes` counts every current record by its latest change type
 * (registered, promoted, transferred, assigned, removed); `total` is the
 * number of current records. A publication appends a new version of every
 * `voter-count:<area>` subject from each TPS with voters up to the nation, in
 * one transaction; election-day checks compare "voters who voted" with
 * DPT + DPTb + DPK of the TPS's latest count entry.
 */
import {
  appendVersions,
  base64,
  type Db,
  latestVersions,
  lockSubjects,
  type Sql,
  systemActor,
  type VersionDraft,
} from '../../../ledger/index.ts';
import { areaLevel, parentArea } from '../../../policies/areas.ts';
import { insertRows } from '../../write/write-batch.ts';
import { CHANGES, LISTS } from './schemas.ts';

export const COUNT_KIND = 'voters.count.computed';
export const COUNT_ACTOR = systemActor('voter-counts');
export const countSubject = (area: string) => `voter-count:${area}`;

type Figures = { lists: Record<string, number>; changes: Record<string, number>; total: number };
const zero = (): Figures => ({
  lists: Object.fromEntries(LISTS.map((l) => [l, 0])),
  changes: Object.fromEntries(CHANGES.map((c) => [c, 0])),
  total: 0,
});
const add = (into: Figures, f: Figures) => {
  for (const l of LISTS) into.lists[l]! += f.lists[l]!;
  for (const c of CHANGES) into.changes[c]! += f.changes[c]!;
  into.total += f.total;
};

export interface CountChild extends Figures {
  area: string;
  /** base64 leaf hash of the child's count entry. */
  entry: string;
  seq: number;
}

/** Publishes the counts of every area with voters; returns the number of entries appended. */
export async function publishVoterCounts(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    // One publication at a time: the versions read below stay the latest.
    await lockSubjects(tx, ['voter-counts']);
    const rows = await tx.query<{
      tps: string;
      list: string;
      change: string;
      removed: boolean;
      entry_hash: Uint8Array;
    }>(
      `SELECT v.tps, v.list, c.change, v.removed, c.entry_hash
         FROM voters v JOIN voter_changes c ON c.subject = v.subject AND c.seq = v.seq`,
    );
    const tps = new Map<string, { figures: Figures; entries: string[] }>();
    for (const r of rows) {
      const t = tps.get(r.tps) ?? { figures: zero(), entries: [] };
      if (!r.removed) t.figures.lists[r.list]! += 1;
      t.figures.changes[r.change]! += 1;
      t.figures.total += 1;
      t.entries.push(base64(r.entry_hash));
      tps.set(r.tps, t);
    }
    if (tps.size === 0) return 0;
    // Levels from the TPS up: each level's entries are appended before its parents',
    // whose payloads name their leaf hashes.
    const levels: Map<string, Figures & { children?: CountChild[]; entries?: string[] }>[] = [];
    levels.push(
      new Map([...tps].map(([code, t]) => [code, { ...t.figures, entries: t.entries.sort() }])),
    );
    for (;;) {
      const up = new Map<string, Figures & { children: CountChild[] }>();
      for (const code of levels[levels.length - 1]!.keys()) {
        const parent = parentArea(code);
        if (parent !== null && !up.has(parent)) up.set(parent, { ...zero(), children: [] });
      }
      if (up.size === 0) break;
      levels.push(up);
    }
    const all = levels.flatMap((l) => [...l.keys()]);
    const latest = await latestVersions(tx, all.map(countSubject));
    const hashes = new Map<string, { entry: string; seq: number }>();
    let appended = 0;
    for (const [i, level] of levels.entries()) {
      if (i > 0)
        for (const [code, f] of level)
          for (const child of levels[i - 1]!.keys())
            if (parentArea(child) === code) {
              const c = levels[i - 1]!.get(child)!;
              const h = hashes.get(child)!;
              f.children!.push({
                area: child,
                entry: h.entry,
                seq: h.seq,
                lists: c.lists,
                changes: c.changes,
                total: c.total,
              });
              add(f, c);
            }
      const drafts: VersionDraft[] = [];
      const codes = [...level.keys()].sort();
      for (const code of codes) {
        const f = level.get(code)!;
        const seq = (latest.get(countSubject(code))?.seq ?? 0) + 1;
        drafts.push({
          kind: COUNT_KIND,
          subject: countSubject(code),
          seq,
          actor: COUNT_ACTOR,
          ...(seq > 1 ? { reason: 'counts republished' } : {}),
          payload: {
            area: code,
            level: areaLevel(code),
            lists: f.lists,
            changes: f.changes,
            total: f.total,
            ...(f.entries ? { entries: f.entries } : { children: f.children! }),
          } as never,
        });
      }
      const a = await appendVersions(tx, drafts);
      await insertRows(
        tx,
        'voter_counts',
        drafts.map((d, j) => ({
          subject: d.subject,
          seq: d.seq,
          area: codes[j]!,
          payload: JSON.stringify(d.payload),
          entry_hash: a[j]!.leafHash,
          pending_id: a[j]!.pendingId,
        })),
      );
      for (const [j, code] of codes.entries())
        hashes.set(code, { entry: base64(a[j]!.leafHash), seq: drafts[j]!.seq });
      appended += drafts.length;
    }
    return appended;
  });
}

/** The latest published count of an area, or null. */
export async function latestCount(
  db: Db,
  area: string,
): Promise<{
  seq: number;
  payload: string;
  entry_hash: Uint8Array;
  pending_id: number | string;
} | null> {
  const [row] = await db.query<{
    seq: number;
    payload: string;
    entry_hash: Uint8Array;
    pending_id: number | string;
  }>(
    'SELECT seq, payload, entry_hash, pending_id FROM voter_counts WHERE area = $1 ORDER BY seq DESC LIMIT 1',
    [area],
  );
  return row ?? null;
}

/**
 * A TPS's register figures for the election-day check (results write path,
 * ledger/verifier/voters/turnout.ts): its latest published count entry's
 * lists and the entry that states them, or null when none is published. Takes
 * the write's transaction, so the figures read are the ones committed with it.
 */
export async function tpsRegisterCount(
  sql: Sql,
  tps: string,
): Promise<{ subject: string; seq: number; entry: string; lists: Record<string, number> } | null> {
  const [row] = await sql.query<{ seq: number; payload: string; entry_hash: Uint8Array }>(
    'SELECT seq, payload, entry_hash FROM voter_counts WHERE area = $1 ORDER BY seq DESC LIMIT 1',
    [tps],
  );
  if (!row) return null;
  const { lists } = JSON.parse(row.payload) as { lists: Record<string, number> };
  return { subject: countSubject(tps), seq: row.seq, entry: base64(row.entry_hash), lists };
}

/**
 * Republishes the counts when the register changed since the last publication
 * (the newest voter version's pending id moved), every `intervalMs`, on the
 * node that leads (api/server.ts, beside the results recap).
 */
export class VoterCountPublisher {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #published = -1;

  constructor(
    private readonly db: Db,
    private readonly opts: {
      intervalMs?: number;
      onPublished?: () => void;
      onError?: (e: unknown) => void;
    } = {},
  ) {}

  /** Publishes if anything changed; the number of count entries appended. */
  async tick(): Promise<number> {
    const [row] = await this.db.query<{ m: string | number | null }>(
      'SELECT max(pending_id) AS m FROM voter_changes',
    );
    const newest = Number(row?.m ?? -1);
    if (newest === this.#published) return 0;
    const n = await publishVoterCounts(this.db);
    this.#published = newest;
    if (n > 0) this.opts.onPublished?.();
    return n;
  }

  start(): void {
    // Counts are a summary, not a receipt: a minute's delay costs nothing, and
    // each publication writes one entry per area with voters.
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.tick()
        .then(
          () => undefined,
          (e) => this.opts.onError?.(e),
        )
        .finally(() => {
          this.#running = undefined;
        });
    }, this.opts.intervalMs ?? 60_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}

/** One version of an area's count (the latest when `seq` is undefined), or null. */
export async function countVersion(
  db: Db,
  area: string,
  seq: number | undefined,
): Promise<{ seq: number; payload: string; pending_id: number | string } | null> {
  if (seq === undefined) return latestCount(db, area);
  const [row] = await db.query<{ seq: number; payload: string; pending_id: number | string }>(
    'SELECT seq, payload, pending_id FROM voter_counts WHERE subject = $1 AND seq = $2',
    [countSubject(area), seq],
  );
  return row ?? null;
}

/**
 * The pending ids of the entries a count version lists: its children's count
 * versions, or a TPS's voter versions (by leaf hash, among the versions naming
 * that TPS). An id absent from the answer was not found.
 */
export async function listedPendingIds(
  db: Db,
  payload: { area: string; children?: { area: string; seq: number }[]; entries?: string[] },
): Promise<(number | undefined)[]> {
  if (payload.children) {
    const subjects = payload.children.map((c) => countSubject(c.area));
    const rows = await db.query<{ subject: string; seq: number; pending_id: number | string }>(
      'SELECT subject, seq, pending_id FROM voter_counts WHERE subject = ANY($1::text[])',
      [subjects],
    );
    const by = new Map(rows.map((r) => [`${r.subject} ${r.seq}`, Number(r.pending_id)]));
    return payload.children.map((c) => by.get(`${countSubject(c.area)} ${c.seq}`));
  }
  const rows = await db.query<{ entry_hash: Uint8Array; pending_id: number | string }>(
    'SELECT entry_hash, pending_id FROM voter_changes WHERE tps = $1',
    [payload.area],
  );
  const by = new Map(rows.map((r) => [base64(r.entry_hash), Number(r.pending_id)]));
  return (payload.entries ?? []).map((h) => by.get(h));
}

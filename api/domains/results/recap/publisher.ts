/**
 * The recapitulation (D.Hasil levels) kept current as forms arrive (issue #4).
 *
 * Each tick reads the count-form versions the log has integrated since the last
 * tick (so every form it counts already has its log index), moves each TPS's
 * counted version forward (the latest verified or corrected one; machine readings
 * never count), and recomputes only the areas that changed, level by level:
 * desa from its TPS forms, kecamatan from its desa recaps, and so on up to the
 * nation. Each new recap is a log entry (`results.recap.computed`, subject
 * `recap:<contest>:<area>`) that lists the exact child entries it sums by code,
 * version and leaf hash — flagged forms listed but not summed — so an observer
 * can check from the log alone that every published total is the sum of signed
 * TPS numbers (../proof/verify-chain.ts). An area whose totals and children did
 * not change gets no new entry.
 *
 * One transaction per tick: the recap entries, the tables they come from and the
 * watermark commit together or not at all. `FOR UPDATE SKIP LOCKED` on the
 * watermark lets any number of API processes run a publisher; one works at a time.
 */
import { base64, type Db, type Sql } from '../../../../ledger/index.ts';
import { areaLevel, parentArea } from '../../../../policies/areas.ts';
import { type LedgerJob, writeBatch } from '../../../write/write-batch.ts';
import type { ContestId, Registry } from '../../registry/index.ts';
import {
  type Figures,
  type RecapChild,
  type RecapPayload,
  recapVotes,
  sumChildren,
  type Votes,
} from './aggregate.ts';

export const RECAP_KIND = 'results.recap.computed';
export const RECAP_ACTOR = { id: 'saksi', role: 'SYSTEM' } as const;
export const recapSubject = (contest: string, area: string) => `recap:${contest}:${area}`;

export interface RecapPublisherOptions {
  /** Pause between ticks when there was nothing to do. */
  intervalMs?: number;
  /**
   * Pause after a tick that counted forms. Every tick republishes each area that
   * changed, up to the nation, so under load a pause lets one tick take a second's
   * forms at once instead of re-issuing the same upper recaps many times a second.
   */
  busyIntervalMs?: number;
  /** Most log entries read per tick. */
  maxEntries?: number;
  /** Called after a tick appended recap entries (wakes the sequencer). */
  onPublished?: (entries: number) => void;
  onError?: (e: unknown) => void;
}

export interface TickResult {
  /** Count-form versions read from the log. */
  forms: number;
  /** Recap entries appended. */
  recaps: number;
  /** The log index the next tick starts from. */
  nextIndex: number;
  /** The log held more than one tick reads: go on at once. */
  more: boolean;
}

interface FormRow {
  idx: number;
  contest: ContestId;
  tps: string;
  seq: number;
  status: 'accepted' | 'flagged';
  entry_hash: Uint8Array;
  votes: Votes;
  valid: number;
  invalid: number;
}

export class RecapPublisher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly registry: Registry,
    private readonly opts: RecapPublisherOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then((r) => {
          if (r.recaps > 0) this.opts.onPublished?.(r.recaps);
          this.schedule(
            r.more
              ? 0
              : r.forms > 0
                ? (this.opts.busyIntervalMs ?? 1000)
                : (this.opts.intervalMs ?? 500),
          );
        })
        .catch((e) => {
          this.opts.onError?.(e);
          this.schedule(this.opts.intervalMs ?? 500);
        });
    }, ms);
  }

  /** One pass: new forms in, changed recaps out. */
  tick(): Promise<TickResult> {
    return this.db.transaction(async (tx) => {
      const [mark] = await tx.query<{ next_index: number }>(
        'SELECT next_index FROM recap_watermark FOR UPDATE SKIP LOCKED',
      );
      if (!mark) return { forms: 0, recaps: 0, nextIndex: -1, more: false }; // another publisher works
      // Every read here is a key lookup or a key-range scan over the few areas that
      // changed. The tables grow fast from empty on election night, faster than
      // autovacuum's statistics; with stale ones the planner sorted and merged the
      // whole recap_tps, spilling to disk (bench:results). Index plans only.
      await tx.exec(
        'SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off',
      );
      const from = Number(mark.next_index);
      const [{ end }] = (await tx.query<{ end: number }>(
        'SELECT coalesce(max(idx) + 1, 0) AS end FROM ledger_entries',
      )) as [{ end: number }];
      const upto = Math.min(Number(end), from + (this.opts.maxEntries ?? 50_000));
      if (upto <= from) return { forms: 0, recaps: 0, nextIndex: from, more: false };

      const forms = await tx.query<FormRow>(
        `SELECT e.idx, f.contest, f.tps, f.seq, f.status, f.entry_hash,
                f.form->'votes' AS votes, (f.form->>'valid')::int AS valid,
                (f.form->>'invalid')::int AS invalid
           FROM ledger_entries e JOIN count_forms f ON f.pending_id = e.pending_id
          WHERE e.idx >= $1 AND e.idx < $2 AND f.stage <> 'read'
          ORDER BY e.idx`,
        [from, upto],
      );
      const dirty = await this.countForms(tx, forms);
      let recaps = 0;
      for (const [contest, desa] of dirty) recaps += await this.recapUpward(tx, contest, desa);
      await tx.query('UPDATE recap_watermark SET next_index = $1', [upto]);
      return { forms: forms.length, recaps, nextIndex: upto, more: upto < Number(end) };
    });
  }

  /** Moves each TPS's counted version forward; the desa whose TPS changed, per contest. */
  private async countForms(tx: Sql, forms: FormRow[]): Promise<Map<ContestId, Set<string>>> {
    const latest = new Map<string, FormRow>();
    for (const f of forms) {
      const k = `${f.contest}:${f.tps}`;
      const seen = latest.get(k);
      if (!seen || f.seq > seen.seq) latest.set(k, f);
    }
    const rows = [...latest.values()];
    const dirty = new Map<ContestId, Set<string>>();
    if (rows.length === 0) return dirty;
    const changed = await tx.query<{ contest: ContestId; tps: string }>(
      `INSERT INTO recap_tps (contest, tps, seq, status, entry_index, entry_hash, valid, invalid, votes)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::int8[], $6::bytea[],
                            $7::int4[], $8::int4[], $9::jsonb[])
       ON CONFLICT (contest, tps) DO UPDATE
         SET seq = excluded.seq, status = excluded.status, entry_index = excluded.entry_index,
             entry_hash = excluded.entry_hash, valid = excluded.valid, invalid = excluded.invalid,
             votes = excluded.votes
       WHERE recap_tps.seq < excluded.seq
       RETURNING contest, tps`,
      [
        rows.map((r) => r.contest),
        rows.map((r) => r.tps),
        rows.map((r) => r.seq),
        rows.map((r) => r.status),
        rows.map((r) => r.idx),
        rows.map((r) => r.entry_hash),
        rows.map((r) => r.valid),
        rows.map((r) => r.invalid),
        rows.map((r) => JSON.stringify(r.votes)),
      ],
    );
    for (const c of changed) {
      const set = dirty.get(c.contest) ?? new Set<string>();
      set.add(c.tps.slice(0, 10));
      dirty.set(c.contest, set);
    }
    return dirty;
  }

  /** Recomputes the given desa, then every changed area's parent, up to the nation. */
  private async recapUpward(tx: Sql, contest: ContestId, desa: Set<string>): Promise<number> {
    let areas = [...desa];
    let appended = 0;
    while (areas.length > 0) {
      const children =
        areaLevel(areas[0]!) === 'desa'
          ? await this.tpsChildren(tx, contest, areas)
          : await this.areaChildren(tx, contest, areas);
      const current = await currentRecaps(tx, contest, areas);
      const jobs: LedgerJob[] = [];
      const made: { area: string; seq: number; payload: RecapPayload }[] = [];
      for (const area of areas) {
        // The nation is never inside one dapil, even when a registry holds only
        // one province (the demo): no candidate rows at the national level.
        const dapil = area === 'ID' ? null : this.registry.dapilOf(contest, area);
        const payload: RecapPayload = {
          contest,
          area,
          level: areaLevel(area),
          dapil,
          ...sumChildren(contest, dapil !== null, children.get(area) ?? []),
        };
        const now = current.get(area);
        if (now && samePayload(now.payload, payload)) continue;
        const seq = (now?.seq ?? 0) + 1;
        made.push({ area, seq, payload });
        jobs.push(recapJob(payload, seq));
      }
      if (jobs.length === 0) break;
      const receipts = await writeBatch(tx, jobs);
      await tx.query(
        `INSERT INTO recap_current (contest, area, seq)
         SELECT $1, * FROM unnest($2::text[], $3::int4[])
         ON CONFLICT (contest, area) DO UPDATE SET seq = excluded.seq`,
        [contest, made.map((m) => m.area), made.map((m) => m.seq)],
      );
      appended += receipts.length;
      const parents = new Set<string>();
      for (const m of made) {
        const p = parentArea(m.area);
        if (p !== null) parents.add(p);
      }
      areas = [...parents];
    }
    return appended;
  }

  /** Every counted TPS form of each desa, as recap children. */
  private async tpsChildren(tx: Sql, contest: ContestId, desa: string[]) {
    const rows = await tx.query<{
      desa: string;
      tps: string;
      seq: number;
      status: 'accepted' | 'flagged';
      entry_hash: Uint8Array;
      valid: number;
      invalid: number;
      votes: Votes;
    }>(
      // LATERAL: one primary-key range scan per desa. As a plain join the planner
      // chose to sort and merge the contest's whole recap_tps, spilling to disk
      // once it held tens of thousands of TPS (bench:results, 23% of PostgreSQL).
      `SELECT d.code AS desa, r.tps, r.seq, r.status, r.entry_hash, r.valid, r.invalid, r.votes
         FROM unnest($2::text[]) AS d(code)
         CROSS JOIN LATERAL (
           SELECT * FROM recap_tps
            WHERE contest = $1 AND tps > d.code || '000' AND tps <= d.code || '999'
         ) r`,
      [contest, desa],
    );
    const out = new Map<string, { ref: RecapChild; figures: Figures }[]>();
    for (const r of rows) {
      const list = out.get(r.desa) ?? [];
      list.push({
        ref: { code: r.tps, seq: r.seq, hash: base64(r.entry_hash), status: r.status },
        figures: { valid: r.valid, invalid: r.invalid, votes: recapVotes(contest, r.votes) },
      });
      out.set(r.desa, list);
    }
    return out;
  }

  /** The current recap of every child area of each area, as recap children. */
  private async areaChildren(tx: Sql, contest: ContestId, areas: string[]) {
    const codes = areas.flatMap((a) => this.registry.children(a));
    const current = await currentRecaps(tx, contest, codes);
    const out = new Map<
      string,
      { ref: RecapChild; figures: Figures; tps: RecapPayload['tps'] }[]
    >();
    for (const [code, r] of current) {
      const parent = parentArea(code)!;
      const list = out.get(parent) ?? [];
      list.push({
        ref: { code, seq: r.seq, hash: r.hash },
        figures: r.payload,
        tps: r.payload.tps,
      });
      out.set(parent, list);
    }
    return out;
  }
}

/** The current recap of each area that has one. */
async function currentRecaps(
  tx: Sql,
  contest: string,
  areas: string[],
): Promise<Map<string, { seq: number; hash: string; payload: RecapPayload }>> {
  const rows = await tx.query<{
    area: string;
    seq: number;
    entry_hash: Uint8Array;
    payload: RecapPayload;
  }>(
    `SELECT c.area, c.seq, r.entry_hash, r.payload
       FROM recap_current c JOIN recaps r USING (contest, area, seq)
      WHERE c.contest = $1 AND c.area = ANY($2::text[])`,
    [contest, areas],
  );
  return new Map(
    rows.map((r) => [r.area, { seq: r.seq, hash: base64(r.entry_hash), payload: r.payload }]),
  );
}

function samePayload(a: RecapPayload, b: RecapPayload): boolean {
  return JSON.stringify(canonicalOrder(a)) === JSON.stringify(canonicalOrder(b));
}

/** jsonb does not keep key order: compare with keys sorted. */
function canonicalOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalOrder);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonicalOrder((v as Record<string, unknown>)[k])]),
    );
  return v;
}

function recapJob(payload: RecapPayload, seq: number): LedgerJob {
  const subject = recapSubject(payload.contest, payload.area);
  const at = new Date().toISOString();
  return {
    kind: RECAP_KIND,
    subject,
    seq,
    after: [RECAP_KIND],
    envelope: (prev) => ({
      v: 1,
      kind: RECAP_KIND,
      subject,
      seq,
      prev,
      at,
      actor: RECAP_ACTOR,
      payload,
      ...(seq > 1 ? { reason: 'new or changed TPS forms below this area' } : {}),
    }),
    rows: (e) => [
      {
        table: 'recaps',
        values: {
          contest: payload.contest,
          area: payload.area,
          seq,
          level: payload.level,
          payload: payload as never,
          entry_hash: e.entryHash,
          pending_id: e.pendingId,
        },
      },
    ],
  };
}

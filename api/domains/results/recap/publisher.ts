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
 * TPS numbers (ledger/verifier/results/verify.ts). An area whose totals and children did
 * not change gets no new entry.
 *
 * One transaction per tick: the recap entries, the tables they come from and the
 * watermark commit together or not at all. `FOR UPDATE SKIP LOCKED` on the
 * watermark lets any number of API processes run a publisher; one works at a time.
 */
import {
  base64,
  type Db,
  type JsonObject,
  LedgerStore,
  type LogReader,
  Lru,
  type Sql,
  SYSTEM_ACTOR,
} from '../../../../ledger/index.ts';
import { fromUtf8 } from '../../../../ledger/verifier/encoding.ts';
import {
  areaChild,
  type ChildFigures,
  formChild,
  listedChildren,
  type RecapPayload,
  type RecapTotals,
  sumChildren,
  type Votes,
} from '../../../../ledger/verifier/results/index.ts';
import { type LedgerJob, writeBatch } from '../../../write/write-batch.ts';
import type { ContestId, Registry } from '../../registry/index.ts';
import { COUNTED_STAGES } from '../rules.ts';
import { areaOf, nodeDepth, nodeLevel, RecapTree } from './parts.ts';

export const RECAP_KIND = 'results.recap.computed';
export const recapSubject = (contest: string, area: string) => `recap:${contest}:${area}`;

export interface RecapPublisherOptions {
  /** Pause between ticks when there was nothing to do. */
  intervalMs?: number;
  /**
   * Pause after a tick that counted forms. Every tick republishes each area that
   * changed, up to the nation, so under load a pause (default 500 ms) lets one tick
   * take that long's forms at once instead of re-issuing the same upper recaps
   * after every handful of forms; the totals then trail by about two ticks.
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
  /** The check-set version that gave `status` (count_forms.checks). */
  checks: number;
  entry_hash: Uint8Array;
  votes: Votes;
  valid: number;
  invalid: number;
}

export class RecapPublisher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /**
   * The listing (rows by choice) of each recap version this publisher wrote or
   * read, by contest, node and version: what the next version starts from.
   */
  private readonly listings = new Lru<readonly ChildFigures[]>(
    256 * 1024 * 1024,
    // A rough size in bytes: rows × (their fields + their votes).
    (l) => 512 + l.length * (96 + 24 * Object.keys(l[0]?.votes ?? {}).length),
  );

  /** Per contest: which recap lists which child (./parts.ts). */
  private readonly trees = new Map<ContestId, RecapTree>();
  /** The log, read inside each tick's transaction. */
  private readonly log: LogReader;

  constructor(
    private readonly db: Db,
    private readonly registry: Registry,
    private readonly opts: RecapPublisherOptions = {},
  ) {
    this.log = new LedgerStore(db);
  }

  private tree(contest: ContestId): RecapTree {
    let t = this.trees.get(contest);
    if (!t) {
      t = RecapTree.of(this.registry, contest);
      this.trees.set(contest, t);
    }
    return t;
  }

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
                ? (this.opts.busyIntervalMs ?? 500)
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
      const end = await this.log.integratedSize(tx);
      const upto = Math.min(end, from + (this.opts.maxEntries ?? 50_000));
      if (upto <= from) return { forms: 0, recaps: 0, nextIndex: from, more: false };

      // The log's positions in one read, the forms they hold in one more: both
      // key-range or key lookups (the pending id is count_forms' own key).
      const positions = await this.log.integratedBetween(from, upto, tx);
      const forms = await tx.query<FormRow>(
        `SELECT u.idx, f.contest, f.tps, f.seq, f.status, f.checks, f.entry_hash,
                f.form->'votes' AS votes, (f.form->>'valid')::int AS valid,
                (f.form->>'invalid')::int AS invalid
           FROM unnest($1::int8[], $2::int8[]) AS u(idx, pending_id)
           JOIN count_forms f ON f.pending_id = u.pending_id
          WHERE f.stage = ANY($3::text[])
          ORDER BY u.idx`,
        // Machine readings never count (../rules.ts countsTowardTotals).
        [positions.map((p) => p.index), positions.map((p) => p.pendingId), COUNTED_STAGES],
      );
      const dirty = await this.countForms(tx, forms);
      let recaps = 0;
      for (const [contest, nodes] of dirty) recaps += await this.recapUpward(tx, contest, nodes);
      await tx.query('UPDATE recap_watermark SET next_index = $1', [upto]);
      return { forms: forms.length, recaps, nextIndex: upto, more: upto < end };
    });
  }

  /**
   * Moves each TPS's counted version forward; per contest, per recap node that
   * lists TPS (a desa, or a part of a large one), each changed TPS's listing.
   */
  private async countForms(
    tx: Sql,
    forms: FormRow[],
  ): Promise<Map<ContestId, Map<string, ChildFigures[]>>> {
    const latest = new Map<string, FormRow>();
    for (const f of forms) {
      const k = `${f.contest}:${f.tps}`;
      const seen = latest.get(k);
      if (!seen || f.seq > seen.seq) latest.set(k, f);
    }
    const rows = [...latest.values()];
    const dirty = new Map<ContestId, Map<string, ChildFigures[]>>();
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
      const f = latest.get(`${c.contest}:${c.tps}`)!;
      const byNode = dirty.get(c.contest) ?? new Map<string, ChildFigures[]>();
      const node = this.tree(c.contest).parentOf(c.tps)!;
      const within = this.dapilOf(c.contest, node) !== null;
      const list = byNode.get(node) ?? [];
      list.push(
        formChild(f.contest, f.tps, f.seq, base64(f.entry_hash), f.status, f.checks, f, within),
      );
      byNode.set(node, list);
      dirty.set(c.contest, byNode);
    }
    return dirty;
  }

  /**
   * Publishes a new version of each recap node whose children changed, deepest
   * first, then of their parents, up to the nation: each node once per tick.
   * Incremental: a node's new recap is its current one with the changed
   * children's listings replaced (a recap lists every child with its figures, so
   * nothing below needs reading again), summed. A node is only here because a
   * child moved to a newer version, so every one gets a new version.
   */
  private async recapUpward(
    tx: Sql,
    contest: ContestId,
    changed: Map<string, ChildFigures[]>,
  ): Promise<number> {
    let appended = 0;
    while (changed.size > 0) {
      const depth = Math.max(...[...changed.keys()].map(nodeDepth));
      const nodes = [...changed.keys()].filter((n) => nodeDepth(n) === depth);
      const current = await this.currentRecaps(tx, contest, nodes);
      const jobs: LedgerJob[] = [];
      const made: {
        node: string;
        seq: number;
        payload: RecapPayload;
        listed: ChildFigures[];
      }[] = [];
      for (const node of nodes) {
        const prev = current.get(node);
        const byCode = new Map(prev?.listed.map((c) => [c.code, c]));
        for (const c of changed.get(node)!) byCode.set(c.code, c);
        const listed = [...byCode.values()];
        changed.delete(node);
        const dapil = this.dapilOf(contest, node);
        const payload: RecapPayload = {
          contest,
          area: node,
          level: nodeLevel(node),
          dapil,
          ...sumChildren(contest, dapil !== null, listed),
        };
        const seq = (prev?.seq ?? 0) + 1;
        made.push({ node, seq, payload, listed });
        jobs.push(recapJob(payload, seq));
      }
      const receipts = await writeBatch(tx, jobs);
      await tx.query(
        `INSERT INTO recap_current (contest, area, seq)
         SELECT $1, * FROM unnest($2::text[], $3::int4[])
         ON CONFLICT (contest, area) DO UPDATE SET seq = excluded.seq`,
        [contest, made.map((m) => m.node), made.map((m) => m.seq)],
      );
      appended += receipts.length;
      made.forEach((m, i) => {
        const hash = receipts[i]!.entryHash;
        this.listings.set(`${contest}:${m.node}:${m.seq}`, m.listed);
        const parent = this.tree(contest).parentOf(m.node);
        if (parent === null) return;
        const list = changed.get(parent) ?? [];
        list.push(areaChild(m.payload, m.seq, hash, this.dapilOf(contest, parent) !== null));
        changed.set(parent, list);
      });
    }
    return appended;
  }

  /** The dapil of the contest a node's area lies wholly inside (then candidate rows), or null. */
  private dapilOf(contest: ContestId, node: string): string | null {
    // The nation is never inside one dapil, even when a registry holds only one
    // province (the demo): no candidate rows at the national level.
    const area = areaOf(node);
    return area === 'ID' ? null : this.registry.dapilOf(contest, area);
  }

  /**
   * The current recap of each area that has one, as its version and listing. A
   * version never changes, so its listing is kept (bounded by size) under contest,
   * node and version; only the version numbers are read each tick, and any other
   * publisher's newer versions simply miss.
   */
  private async currentRecaps(
    tx: Sql,
    contest: string,
    areas: string[],
  ): Promise<Map<string, { seq: number; listed: readonly ChildFigures[] }>> {
    const seqs = await tx.query<{ area: string; seq: number }>(
      'SELECT area, seq FROM recap_current WHERE contest = $1 AND area = ANY($2::text[])',
      [contest, areas],
    );
    const out = new Map<string, { seq: number; listed: readonly ChildFigures[] }>();
    const missing: { area: string; seq: number }[] = [];
    for (const r of seqs) {
      const hit = this.listings.get(`${contest}:${r.area}:${r.seq}`);
      if (hit) out.set(r.area, { seq: r.seq, listed: hit });
      else missing.push(r);
    }
    if (missing.length === 0) return out;
    // The listing is in the log entry (the table keeps totals only).
    const recaps = await tx.query<{ area: string; seq: number; pending_id: number }>(
      `SELECT r.area, r.seq, r.pending_id
         FROM unnest($2::text[], $3::int4[]) AS u(area, seq)
         JOIN recaps r ON r.contest = $1 AND r.area = u.area AND r.seq = u.seq`,
      [contest, missing.map((m) => m.area), missing.map((m) => m.seq)],
    );
    const entries = await this.log.pendingEntries(
      recaps.map((r) => Number(r.pending_id)),
      tx,
    );
    const rows = recaps.map((r) => ({ ...r, entry: entries.get(Number(r.pending_id))!.entry }));
    for (const r of rows) {
      const { payload } = JSON.parse(fromUtf8(r.entry)) as { payload: RecapPayload };
      const listed = listedChildren(payload);
      this.listings.set(`${contest}:${r.area}:${r.seq}`, listed);
      out.set(r.area, { seq: r.seq, listed });
    }
    return out;
  }
}

function totalsOf({ children: _c, choices: _s, ...totals }: RecapPayload): RecapTotals {
  return totals;
}

function recapJob(payload: RecapPayload, seq: number): LedgerJob {
  const subject = recapSubject(payload.contest, payload.area);
  return {
    draft: {
      kind: RECAP_KIND,
      subject,
      seq,
      after: [RECAP_KIND],
      actor: SYSTEM_ACTOR,
      payload: payload as unknown as JsonObject,
      ...(seq > 1 ? { reason: 'new or changed TPS forms below this area' } : {}),
    },
    rows: (e) => [
      {
        table: 'recaps',
        values: {
          contest: payload.contest,
          area: payload.area,
          seq,
          level: payload.level,
          totals: totalsOf(payload) as never,
          entry_hash: e.entryHash,
          pending_id: e.pendingId,
        },
      },
    ],
  };
}

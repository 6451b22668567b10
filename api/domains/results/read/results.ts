/**
 * Public reading of results (issue #4): every number names the log entry it comes
 * from (index and leaf hash), so nobody has to take the API's word for it.
 */
import { base64, type Db, type LogReader } from '../../../../ledger/index.ts';
import {
  type RecapTotals,
  recapVotes,
  sortedVotes,
} from '../../../../ledger/verifier/results/index.ts';
import { areaLevel } from '../../../../policies/areas.ts';
import type { ContestId, Registry } from '../../registry/index.ts';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function areaResults(
  db: Db,
  log: LogReader,
  registry: Registry,
  contest: ContestId,
  area: string,
) {
  const [recap] = await db.query<{
    seq: number;
    totals: RecapTotals;
    entry_hash: Uint8Array;
    pending_id: number;
  }>(
    `SELECT c.seq, r.totals, r.entry_hash, r.pending_id
       FROM recap_current c JOIN recaps r USING (contest, area, seq)
      WHERE c.contest = $1 AND c.area = $2`,
    [contest, area],
  );
  if (!recap) return null;
  const p = recap.totals;
  let children: unknown[];
  let indexes: Map<number, number> | undefined;
  if (areaLevel(area) === 'desa') {
    const rows = await db.query<{
      tps: string;
      seq: number;
      status: string;
      entry_index: number;
      entry_hash: Uint8Array;
      valid: number;
      invalid: number;
      votes: Record<string, number>;
      failed_checks: unknown;
    }>(
      `SELECT r.tps, r.seq, r.status, r.entry_index, r.entry_hash, r.valid, r.invalid, r.votes,
              f.failed_checks
         FROM recap_tps r JOIN count_forms f ON f.subject = 'chasil:' || r.contest || ':' || r.tps AND f.seq = r.seq
        WHERE r.contest = $1 AND r.tps > $2 || '000' AND r.tps <= $2 || '999'
        ORDER BY r.tps`,
      [contest, area],
    );
    children = rows.map((r) => ({
      code: r.tps,
      seq: r.seq,
      status: r.status,
      ...(r.status === 'flagged' ? { failedChecks: r.failed_checks } : {}),
      valid: r.valid,
      invalid: r.invalid,
      votes: sortedVotes(recapVotes(contest, r.votes)),
      index: num(r.entry_index),
      entryHash: base64(r.entry_hash),
    }));
  } else {
    const rows = await db.query<{
      area: string;
      seq: number;
      totals: RecapTotals;
      entry_hash: Uint8Array;
      pending_id: number;
    }>(
      `SELECT c.area, c.seq, r.totals, r.entry_hash, r.pending_id
         FROM recap_current c JOIN recaps r USING (contest, area, seq)
        WHERE c.contest = $1 AND c.area = ANY($2::text[])
        ORDER BY c.area`,
      [contest, registry.children(area)],
    );
    // Every child's index in one batch, with the area's own.
    const found = await log.indexesOf(
      [recap.pending_id, ...rows.map((r) => r.pending_id)].map(Number),
    );
    indexes = found;
    children = rows.map((r) => ({
      code: r.area,
      name: registry.area(r.area)?.name,
      seq: r.seq,
      valid: Number(r.totals.valid),
      invalid: Number(r.totals.invalid),
      votes: sortedVotes(r.totals.votes),
      tps: r.totals.tps,
      index: found.get(Number(r.pending_id)) ?? null,
      entryHash: base64(r.entry_hash),
    }));
  }
  indexes ??= await log.indexesOf([Number(recap.pending_id)]);
  // Children with nothing counted are listed too, as waiting.
  children = withWaiting(registry, contest, area, children as { code: string }[]);
  return {
    contest,
    area,
    level: p.level,
    name: registry.area(area)?.name,
    recap: {
      seq: recap.seq,
      index: indexes.get(Number(recap.pending_id)) ?? null,
      entryHash: base64(recap.entry_hash),
    },
    valid: Number(p.valid),
    invalid: Number(p.invalid),
    votes: sortedVotes(p.votes),
    tps: p.tps,
    children,
  };
}

/**
 * The counted children and, in code order among them, every child of `area`
 * that holds the contest but has nothing counted yet, as `status: 'waiting'`:
 * a reader sees which kabupaten/kota, desa or TPS the totals do not include
 * yet, not only those they do.
 */
function withWaiting<T extends { code: string }>(
  registry: Registry,
  contest: ContestId,
  area: string,
  counted: T[],
): (T | { code: string; name?: string; status: 'waiting' })[] {
  const have = new Set(counted.map((c) => c.code));
  const waiting = registry
    .children(area)
    .filter((code) => !have.has(code) && holds(registry, contest, code))
    .map((code) =>
      code.length === 13
        ? { code, status: 'waiting' as const }
        : { code, name: registry.area(code)?.name, status: 'waiting' as const },
    );
  if (waiting.length === 0) return counted;
  return [...counted, ...waiting].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * Whether `contest` is held in `code`, judged by its first TPS: the contests
 * held are the same across a kabupaten/kota (Jakarta has no DPRD kab/kota).
 */
function holds(registry: Registry, contest: ContestId, code: string): boolean {
  let c: string | undefined = code;
  while (c !== undefined && c.length < 13) c = registry.children(c)[0];
  return c !== undefined && registry.contestsAt(c).includes(contest);
}

/** Every version of a TPS's form for one contest, oldest first. */
export async function tpsHistory(db: Db, log: LogReader, contest: ContestId, tps: string) {
  const forms = await db.query<{
    seq: number;
    stage: string;
    status: string;
    failed_checks: unknown;
    register_check: unknown;
    form: Record<string, unknown>;
    officer_id: string;
    reason: string | null;
    entry_hash: Uint8Array;
    pending_id: number;
  }>(
    `SELECT f.seq, f.stage, f.status, f.failed_checks, r.verdict AS register_check, f.form,
            f.officer_id, f.reason, f.entry_hash, f.pending_id
       FROM count_forms f
       LEFT JOIN count_form_register_checks r ON r.subject = f.subject AND r.seq = f.seq
      WHERE f.subject = $1
      ORDER BY f.seq`,
    [`chasil:${contest}:${tps}`],
  );
  const entries = await log.pendingEntries(forms.map((f) => Number(f.pending_id)));
  const rows = forms.map((f) => {
    const e = entries.get(Number(f.pending_id))!;
    return { ...f, entry: e.entry, idx: e.index };
  });
  const [counted] = await db.query<{ seq: number }>(
    'SELECT seq FROM recap_tps WHERE contest = $1 AND tps = $2',
    [contest, tps],
  );
  return {
    contest,
    tps,
    /** The version the recapitulation counts now (null: none verified yet, or not yet recapped). */
    counted: counted?.seq ?? null,
    versions: rows.map((r) => {
      const entry = JSON.parse(Buffer.from(r.entry).toString('utf8')) as {
        at: string;
        actor: { id: string; role: string; key?: string };
      };
      const { photo, caseRef, ...figures } = r.form as { photo: string; caseRef?: string };
      return {
        seq: r.seq,
        stage: r.stage,
        status: r.status,
        failedChecks: r.failed_checks,
        // Against the voter register's count of the TPS (rules.ts registerCheck); null: none published.
        registerCheck: r.register_check ?? null,
        at: entry.at,
        actor: entry.actor,
        reason: r.reason,
        ...(caseRef === undefined ? {} : { caseRef }),
        photo: { sha256: photo, url: `/v1/photos/${photo}` },
        form: figures,
        index: num(r.idx),
        entryHash: base64(r.entry_hash),
      };
    }),
  };
}

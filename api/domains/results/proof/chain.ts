/**
 * The proof an observer asks for (issue #4): for one TPS and contest, everything
 * needed to check — from the log alone — that the TPS's signed numbers are in every
 * published total up to the nation and that each sum holds:
 *
 *   - a signed checkpoint;
 *   - the counted form entry, with its inclusion proof;
 *   - for each level from desa to nation, the area's current recap entry with its
 *     inclusion proof, and every child entry it sums (their leaf hashes are
 *     committed in the recap, so their bytes need no proof of their own).
 *
 * verify-chain.ts checks it without trusting this server.
 */
import { base64, type Db, type LedgerStore, Lru } from '../../../../ledger/index.ts';
import { parentArea } from '../../../../policies/areas.ts';
import { ApiError } from '../../../errors.ts';
import type { Contest } from '../forms/index.ts';
import type { RecapChild, RecapPayload } from '../recap/aggregate.ts';

export interface ProvenEntry {
  index: number;
  /** The entry exactly as logged (RFC 8785 JSON). */
  entry: string;
  inclusionProof: string[];
}

export interface ResultsProof {
  contest: string;
  tps: string;
  checkpoint: string;
  treeSize: number;
  form: ProvenEntry;
  /** Desa first, nation last. */
  levels: {
    area: string;
    recap: ProvenEntry;
    children: { code: string; seq: number; entry: string }[];
  }[];
}

const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

const notYet = (what: string) =>
  new ApiError(503, 'NOT_YET_INTEGRATED', `${what} is not in a signed checkpoint yet`, {
    'Retry-After': '1',
  });

/**
 * The child entries of a recap version never change (a version is never
 * rewritten), and the upper levels are shared by every TPS below them: their JSON
 * is kept, bounded by bytes, keyed by contest, area and version.
 */
const childrenJson = new Lru<string>(64 * 1024 * 1024, (s) => s.length * 2);

/** The proof as JSON text, assembled from cached fragments (what the route sends). */
export async function proofChainJson(
  db: Db,
  store: LedgerStore,
  contest: Contest,
  tps: string,
): Promise<string> {
  const parts = await proofParts(db, store, contest, tps);
  const levels = parts.levels.map(
    (l) =>
      `{"area":${JSON.stringify(l.area)},"recap":${JSON.stringify(l.recap)},"children":${l.childrenJson}}`,
  );
  return `{"contest":${JSON.stringify(contest)},"tps":${JSON.stringify(tps)},"checkpoint":${JSON.stringify(parts.checkpoint)},"treeSize":${parts.treeSize},"form":${JSON.stringify(parts.form)},"levels":[${levels.join(',')}]}`;
}

interface ProofParts extends Omit<ResultsProof, 'levels'> {
  levels: { area: string; recap: ProvenEntry; childrenJson: string }[];
}

async function proofParts(
  db: Db,
  store: LedgerStore,
  contest: Contest,
  tps: string,
): Promise<ProofParts> {
  const [form] = await db.query<{ entry_index: number; entry: Uint8Array }>(
    `SELECT r.entry_index, p.entry FROM recap_tps r
       JOIN ledger_entries e ON e.idx = r.entry_index
       JOIN ledger_pending p ON p.id = e.pending_id
      WHERE r.contest = $1 AND r.tps = $2`,
    [contest, tps],
  );
  if (!form) throw new ApiError(404, 'NOT_FOUND', `no counted ${contest} form for TPS ${tps} yet`);
  const path: string[] = [];
  for (let a: string | null = tps.slice(0, 10); a !== null; a = parentArea(a)) path.push(a);
  const recaps = await db.query<{
    area: string;
    seq: number;
    payload: RecapPayload;
    entry: Uint8Array;
    idx: number | null;
  }>(
    `SELECT c.area, c.seq, r.payload, p.entry, e.idx
       FROM recap_current c JOIN recaps r USING (contest, area, seq)
       JOIN ledger_pending p ON p.id = r.pending_id
       LEFT JOIN ledger_entries e ON e.pending_id = r.pending_id
      WHERE c.contest = $1 AND c.area = ANY($2::text[])`,
    [contest, path],
  );
  const byArea = new Map(recaps.map((r) => [r.area, r]));
  const cp = await store.checkpoint();
  for (const a of path) {
    const r = byArea.get(a);
    if (!r) throw notYet(`the ${contest} recap of ${a}`);
    if (r.idx === null || !cp || Number(r.idx) >= cp.size)
      throw notYet(`the ${contest} recap of ${a}`);
  }
  if (!cp || form.entry_index >= cp.size) throw notYet(`the form of TPS ${tps}`);

  const prove = async (index: number, entry: Uint8Array): Promise<ProvenEntry> => ({
    index,
    entry: text(entry),
    inclusionProof: (await store.inclusionProof(index, cp.size)).map(base64),
  });
  const levels: ProofParts['levels'] = [];
  for (const a of path) {
    const r = byArea.get(a)!;
    const key = `${contest}:${a}:${r.seq}`;
    let children = childrenJson.get(key);
    if (children === undefined) {
      children = JSON.stringify(await childEntries(db, contest, a === path[0], r.payload.children));
      childrenJson.set(key, children);
    }
    levels.push({ area: a, recap: await prove(Number(r.idx), r.entry), childrenJson: children });
  }
  return {
    contest,
    tps,
    checkpoint: cp.note,
    treeSize: cp.size,
    form: await prove(Number(form.entry_index), form.entry),
    levels,
  };
}

async function childEntries(db: Db, contest: string, forms: boolean, children: RecapChild[]) {
  const rows = forms
    ? await db.query<{ code: string; seq: number; entry: Uint8Array }>(
        `SELECT f.tps AS code, f.seq, p.entry
           FROM unnest($1::text[], $2::int4[]) AS u(subject, seq)
           JOIN count_forms f ON f.subject = u.subject AND f.seq = u.seq
           JOIN ledger_pending p ON p.id = f.pending_id`,
        [children.map((c) => `chasil:${contest}:${c.code}`), children.map((c) => c.seq)],
      )
    : await db.query<{ code: string; seq: number; entry: Uint8Array }>(
        `SELECT r.area AS code, r.seq, p.entry
           FROM unnest($2::text[], $3::int4[]) AS u(area, seq)
           JOIN recaps r ON r.contest = $1 AND r.area = u.area AND r.seq = u.seq
           JOIN ledger_pending p ON p.id = r.pending_id`,
        [contest, children.map((c) => c.code), children.map((c) => c.seq)],
      );
  return rows
    .map((r) => ({ code: r.code, seq: r.seq, entry: text(r.entry) }))
    .sort((x, y) => (x.code < y.code ? -1 : 1));
}

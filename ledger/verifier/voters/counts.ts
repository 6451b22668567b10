/**
 * The voter register's public counts, checked (issue #11 "Public, provable
 * counts"): "each area's count entry lists its children, so every published
 * count is provably the sum of the TPS counts, and the TPS counts of the
 * entries behind them." Browser-safe like ./verify.ts (../boundary.test.ts).
 *
 * A count proof (`GET /v1/voters/counts/{area}/proof`, api/domains/voters/
 * count-proof.ts) holds one signed checkpoint, the area's count entry and every
 * entry it lists — its children's count entries, or for a TPS the voter
 * versions it counts — each with its inclusion proof. `verifyCountNode` checks,
 * trusting nothing but the log key:
 *
 *   1. the checkpoint is signed by the log key, for the stated tree size;
 *   2. every entry is in that tree (RFC 9162 §2.1.3) and is canonical JSON (RFC 8785);
 *   3. the node is the `voters.count.computed` entry of `voter-count:<area>`;
 *   4. an area: every listed child is given, is the count entry of a direct
 *      child area at the listed version, states exactly the figures the parent
 *      lists for it, and the parent's figures are their sum;
 *   5. a TPS: every listed entry is given, is a voter version naming this TPS,
 *      one per voter, and recounting them (per list among those not removed, per
 *      change type, in total) gives the TPS's figures.
 *
 * `verifyCountTree` walks from an area down to the TPS, fetching each child's
 * proof at the version its parent lists, so the whole tree is one consistent
 * publication. Not proven (as for the self-check): that a counted voter version
 * is the voter's latest, and that no voter entry of the TPS was left out — the
 * sum binds the figures to the entries listed, not to entries the publisher
 * chose not to list; an auditor with the whole log can check that (every voter
 * subject's last version appears under its TPS).
 */
import { canonicalize } from '../canonical.ts';
import { openCheckpoint } from '../checkpoint.ts';
import { fromBase64, toBase64, utf8 } from '../encoding.ts';
import { leafHash } from '../hash.ts';
import { verifyInclusion } from '../proof.ts';
import { VOTER_KINDS } from './verify.ts';

export const COUNT_ENTRY_KIND = 'voters.count.computed';
export const COUNT_LISTS = ['DPS', 'DPSHP', 'DPT', 'DPTb', 'DPK'] as const;
export const COUNT_CHANGES = [
  'registered',
  'promoted',
  'transferred',
  'assigned',
  'removed',
  'erased',
] as const;

export type CountFailure =
  | 'MALFORMED_PROOF'
  | 'BAD_CHECKPOINT'
  | 'NOT_INCLUDED'
  | 'MALFORMED_ENTRY'
  | 'WRONG_ENTRY'
  | 'MISSING_ENTRY'
  | 'CHILD_MISMATCH'
  | 'SUM_MISMATCH';

export interface CountFigures {
  lists: Record<string, number>;
  changes: Record<string, number>;
  total: number;
}

export interface ProvenEntry {
  /** The entry, exactly as logged (RFC 8785 JSON text). */
  entry: string;
  index: number;
  inclusionProof: string[];
}

export interface CountProof {
  area: string;
  treeSize: number;
  checkpoint: string;
  node: ProvenEntry;
  /** The entries the node lists: child count entries, or a TPS's voter versions. */
  below: ProvenEntry[];
}

export interface CountNode extends CountFigures {
  area: string;
  seq: number;
  /** base64 leaf hash of the count entry. */
  entry: string;
  index: number;
  /** An area's children (area, version, leaf hash); empty for a TPS. */
  children: { area: string; seq: number; entry: string }[];
  /** A TPS's counted voter versions; 0 for an area. */
  voters: number;
}

export interface CountNodeVerdict {
  ok: boolean;
  errors: { code: CountFailure; message: string }[];
  /** What was proven; null unless ok. */
  node: CountNode | null;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const B64_32 = /^[A-Za-z0-9+/]{43}=$/;
const AREA = /^(?:ID|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}|[0-9]{13})$/;

export const countEntrySubject = (area: string) => `voter-count:${area}`;

/**
 * The parent of an area code (policies/areas.ts, restated here because the
 * verifier imports nothing outside ledger/verifier): the code carries the tree.
 */
export function parentOfArea(code: string): string | null {
  switch (code.length) {
    case 2:
      return code === 'ID' ? null : 'ID';
    case 4:
      return code.slice(0, 2);
    case 6:
      return code.slice(0, 4);
    case 10:
      return code.slice(0, 6);
    case 13:
      return code.slice(0, 10);
    default:
      return null;
  }
}

const isTps = (area: string) => area.length === 13;

function proofProblem(a: unknown): string | null {
  if (!isObj(a)) return 'the proof is not an object';
  if (!isStr(a.area) || !AREA.test(a.area)) return 'area is not an area or TPS code';
  if (!isNat(a.treeSize) || !isStr(a.checkpoint)) return 'treeSize and checkpoint are needed';
  if (!Array.isArray(a.below)) return 'below is not a list';
  for (const item of [a.node, ...a.below]) {
    if (!isObj(item) || !isStr(item.entry)) return 'an entry is missing its text';
    if (!isNat(item.index) || (item.index as number) >= (a.treeSize as number))
      return 'an entry index is not a position in the tree';
    if (
      !Array.isArray(item.inclusionProof) ||
      !item.inclusionProof.every((h) => isStr(h) && B64_32.test(h))
    )
      return 'an inclusionProof is not a list of 32-byte base64 hashes';
  }
  return null;
}

function figuresOf(p: Record<string, unknown>): CountFigures | null {
  const { lists, changes, total } = p;
  if (!isObj(lists) || !isObj(changes) || !isNat(total)) return null;
  for (const l of COUNT_LISTS) if (!isNat(lists[l])) return null;
  for (const c of COUNT_CHANGES) if (!isNat(changes[c])) return null;
  if (Object.keys(lists).length !== COUNT_LISTS.length) return null;
  if (Object.keys(changes).length !== COUNT_CHANGES.length) return null;
  return {
    lists: lists as Record<string, number>,
    changes: changes as Record<string, number>,
    total,
  };
}

const zero = (): CountFigures => ({
  lists: Object.fromEntries(COUNT_LISTS.map((l) => [l, 0])),
  changes: Object.fromEntries(COUNT_CHANGES.map((c) => [c, 0])),
  total: 0,
});

/** The first figure where two differ, as text; null when equal. */
function difference(a: CountFigures, b: CountFigures): string | null {
  for (const l of COUNT_LISTS)
    if (a.lists[l] !== b.lists[l]) return `list ${l}: ${a.lists[l]} ≠ ${b.lists[l]}`;
  for (const c of COUNT_CHANGES)
    if (a.changes[c] !== b.changes[c]) return `change ${c}: ${a.changes[c]} ≠ ${b.changes[c]}`;
  return a.total === b.total ? null : `total: ${a.total} ≠ ${b.total}`;
}

/**
 * Checks one node of the count tree: the count proof of `area` (parsed JSON of
 * any shape). Never throws on bad input.
 */
export function verifyCountNode(
  proof: unknown,
  area: string,
  verifierKey: string,
): CountNodeVerdict {
  const errors: CountNodeVerdict['errors'] = [];
  const fail = (code: CountFailure, message: string) => errors.push({ code, message });
  const done = (node: CountNode | null): CountNodeVerdict => ({
    ok: errors.length === 0,
    errors,
    node: errors.length === 0 ? node : null,
  });
  const problem = proofProblem(proof);
  if (problem !== null) {
    fail('MALFORMED_PROOF', problem);
    return done(null);
  }
  const a = proof as unknown as CountProof;
  if (a.area !== area) fail('WRONG_ENTRY', `the proof is of ${a.area}, not ${area}`);

  // 1–2: the checkpoint, then each entry's inclusion and canonical form.
  let root: Uint8Array | null = null;
  try {
    const cp = openCheckpoint(a.checkpoint, verifierKey);
    if (cp.size !== a.treeSize)
      fail('BAD_CHECKPOINT', `checkpoint size ${cp.size} is not treeSize ${a.treeSize}`);
    else root = cp.rootHash;
  } catch (e) {
    fail(
      'BAD_CHECKPOINT',
      `the checkpoint does not open with the log key: ${(e as Error).message}`,
    );
  }
  const open = (item: ProvenEntry, what: string) => {
    const hash = leafHash(utf8(item.entry));
    if (root)
      try {
        verifyInclusion(hash, item.index, a.treeSize, item.inclusionProof.map(fromBase64), root);
      } catch (e) {
        fail('NOT_INCLUDED', `${what} is not in the checkpoint's tree: ${(e as Error).message}`);
      }
    let parsed: unknown;
    try {
      parsed = JSON.parse(item.entry);
    } catch {
      fail('MALFORMED_ENTRY', `${what} is not JSON`);
      return null;
    }
    if (!isObj(parsed) || canonicalize(parsed) !== item.entry) {
      fail('MALFORMED_ENTRY', `${what} is not a canonical JSON object (RFC 8785)`);
      return null;
    }
    return { hash: toBase64(hash), entry: parsed };
  };

  // 3: the node.
  const node = open(a.node, `the count entry of ${area}`);
  if (!node) return done(null);
  const np = node.entry.payload;
  if (
    node.entry.kind !== COUNT_ENTRY_KIND ||
    node.entry.subject !== countEntrySubject(area) ||
    !isObj(np) ||
    np.area !== area ||
    !isNat(node.entry.seq)
  ) {
    fail(
      'WRONG_ENTRY',
      `the node is not a ${COUNT_ENTRY_KIND} entry of ${countEntrySubject(area)}`,
    );
    return done(null);
  }
  const figures = figuresOf(np);
  if (!figures) {
    fail('MALFORMED_ENTRY', `the count entry of ${area} does not state lists, changes and total`);
    return done(null);
  }
  const below = new Map<string, Record<string, unknown>>();
  for (const [i, item] of a.below.entries()) {
    const b = open(item, `listed entry ${i}`);
    if (b) below.set(b.hash, b.entry);
  }
  const sum = zero();
  const result: CountNode = {
    area,
    seq: node.entry.seq as number,
    entry: node.hash,
    index: a.node.index,
    ...figures,
    children: [],
    voters: 0,
  };

  if (!isTps(area)) {
    // 4: an area is the sum of its children's count entries.
    const children = np.children;
    if (!Array.isArray(children) || np.entries !== undefined) {
      fail('MALFORMED_ENTRY', `the count entry of area ${area} does not list children`);
      return done(null);
    }
    const seen = new Set<string>();
    for (const c of children) {
      if (!isObj(c) || !isStr(c.area) || !isStr(c.entry) || !isNat(c.seq)) {
        fail('MALFORMED_ENTRY', `a child of ${area} lacks area, entry or seq`);
        continue;
      }
      const listed = figuresOf(c);
      if (!listed) {
        fail('MALFORMED_ENTRY', `child ${c.area} of ${area} does not state its figures`);
        continue;
      }
      if (parentOfArea(c.area) !== area)
        fail('CHILD_MISMATCH', `${c.area} is not a direct child of ${area}`);
      if (seen.has(c.area)) fail('CHILD_MISMATCH', `${c.area} is listed twice under ${area}`);
      seen.add(c.area);
      // The parent's sum is over what it lists; each listing is then held to its entry.
      for (const l of COUNT_LISTS) sum.lists[l]! += listed.lists[l]!;
      for (const ch of COUNT_CHANGES) sum.changes[ch]! += listed.changes[ch]!;
      sum.total += listed.total;
      result.children.push({ area: c.area, seq: c.seq, entry: c.entry });
      const e = below.get(c.entry);
      if (!e) {
        fail('MISSING_ENTRY', `the count entry of child ${c.area} is not in the proof`);
        continue;
      }
      const cp = e.payload;
      if (
        e.kind !== COUNT_ENTRY_KIND ||
        e.subject !== countEntrySubject(c.area) ||
        e.seq !== c.seq ||
        !isObj(cp) ||
        cp.area !== c.area
      ) {
        fail('CHILD_MISMATCH', `the entry listed for ${c.area} is not its count version ${c.seq}`);
        continue;
      }
      const stated = figuresOf(cp);
      const diff = stated ? difference(listed, stated) : 'no figures';
      if (diff !== null)
        fail(
          'CHILD_MISMATCH',
          `${area} lists other figures for ${c.area} than its entry (${diff})`,
        );
    }
  } else {
    // 5: a TPS is the recount of the voter versions it lists.
    const entries = np.entries;
    if (!Array.isArray(entries) || np.children !== undefined) {
      fail('MALFORMED_ENTRY', `the count entry of TPS ${area} does not list voter entries`);
      return done(null);
    }
    const subjects = new Set<string>();
    for (const h of entries) {
      if (!isStr(h) || !B64_32.test(h)) {
        fail('MALFORMED_ENTRY', `TPS ${area} lists a voter entry that is not a leaf hash`);
        continue;
      }
      const e = below.get(h);
      if (!e) {
        fail('MISSING_ENTRY', `voter entry ${h} of TPS ${area} is not in the proof`);
        continue;
      }
      const vp = e.payload;
      if (
        !(VOTER_KINDS as readonly unknown[]).includes(e.kind) ||
        !isStr(e.subject) ||
        !isObj(vp) ||
        vp.tps !== area ||
        !(COUNT_LISTS as readonly unknown[]).includes(vp.list) ||
        !(COUNT_CHANGES as readonly unknown[]).includes(vp.change)
      ) {
        fail('WRONG_ENTRY', `entry ${h} is not a voter version at TPS ${area}`);
        continue;
      }
      if (subjects.has(e.subject))
        fail('WRONG_ENTRY', `${e.subject} is counted twice at TPS ${area}`);
      subjects.add(e.subject);
      // Removal is final and an erasure marks the record removed (docs/voters.md).
      const removed = vp.change === 'removed' || vp.change === 'erased';
      if (!removed) sum.lists[vp.list as string]! += 1;
      sum.changes[vp.change as string]! += 1;
      sum.total += 1;
      result.voters += 1;
    }
  }
  const diff = difference(sum, figures);
  if (diff !== null)
    fail('SUM_MISMATCH', `the figures of ${area} are not the sum of what it lists (${diff})`);
  return done(result);
}

export interface CountTreeVerdict {
  ok: boolean;
  errors: { area: string; code: CountFailure | 'UNAVAILABLE'; message: string }[];
  /** Count entries checked, and voter entries recounted at the TPS reached. */
  nodes: number;
  voters: number;
  /** The root's proven figures; null unless it verified. */
  root: CountNode | null;
}

/**
 * Walks the count tree from `area` down `depth` levels (Infinity: to the voter
 * entries of every TPS): each node's proof is checked, and each child's proof is
 * fetched at the version and leaf hash its parent lists (`load(area, seq)`;
 * seq undefined for the root: the latest). Never throws on bad input; a load
 * that fails is an `UNAVAILABLE` error for that area.
 */
export async function verifyCountTree(
  area: string,
  load: (area: string, seq: number | undefined) => Promise<unknown>,
  verifierKey: string,
  opts: { depth?: number; onNode?: (n: CountNode) => void } = {},
): Promise<CountTreeVerdict> {
  const out: CountTreeVerdict = { ok: true, errors: [], nodes: 0, voters: 0, root: null };
  const depth = opts.depth ?? Number.POSITIVE_INFINITY;
  let level: { area: string; seq?: number; entry?: string }[] = [{ area }];
  for (let d = 0; level.length > 0 && d <= depth; d++) {
    const next: typeof level = [];
    for (const want of level) {
      let proof: unknown;
      try {
        proof = await load(want.area, want.seq);
      } catch (e) {
        out.errors.push({ area: want.area, code: 'UNAVAILABLE', message: (e as Error).message });
        continue;
      }
      const v = verifyCountNode(proof, want.area, verifierKey);
      for (const e of v.errors) out.errors.push({ area: want.area, ...e });
      if (!v.node) continue;
      if (want.entry !== undefined && v.node.entry !== want.entry) {
        out.errors.push({
          area: want.area,
          code: 'CHILD_MISMATCH',
          message: `its count entry is not the one its parent lists (${want.entry})`,
        });
        continue;
      }
      out.nodes += 1;
      out.voters += v.node.voters;
      if (d === 0) out.root = v.node;
      opts.onNode?.(v.node);
      for (const c of v.node.children) next.push(c);
    }
    level = next;
  }
  out.ok = out.errors.length === 0;
  if (!out.ok) out.root = null;
  return out;
}

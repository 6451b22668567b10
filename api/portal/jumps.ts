/**
 * Sudden jumps in published totals (issue #15, anomalies; the rule is stated
 * in docs/portal.md "Jumps in published totals"). An area's recap is published
 * again each time a TPS form below it is counted or corrected
 * (`GET /v1/results/{contest}/history/{area}`); between two consecutive
 * versions k−1 → k of one area, with ΔT the change in TPS forms summed
 * (`tps.accepted`) and Δx the change in a total x (valid votes, or a choice's
 * votes):
 *
 *   - **votes**: Δx ≥ JUMP_MIN_VOTES and Δx > JUMP_FACTOR × max(ΔT, 1) × m,
 *     m the median valid votes of one TPS in the area (its accepted TPS in the
 *     open-data CSV): a step that adds more votes to one total than JUMP_FACTOR
 *     typical TPS could hold in all, for each form it newly includes;
 *   - **share**: a choice's share of the valid votes moves by more than
 *     max(SHARE_MIN_POINTS, SHARE_FACTOR × 100 × ΔT / T_k) percentage points,
 *     T_k the TPS summed at version k: TPS of equal size can move a share by
 *     at most 100 × ΔT / T_k points (all new TPS at 0 % or 100 %);
 *     SHARE_FACTOR allows for TPS of unequal size;
 *   - **decrease**: Δx < 0 with no correction explaining it. The two entries'
 *     listings say which listed child's contribution fell. A TPS child explains
 *     it when its form moved to a newer version that is a correction
 *     (`results.chasil.corrected`, with its reason); an area or part child when
 *     every step of its own history between the two listed versions that lowers
 *     x is explained, down to the TPS. A child that vanished from the listing,
 *     or fell without a newer version, explains nothing.
 *
 * The rule reads only public routes, so any observer can recompute it; the
 * page renders it server-side (api/portal/anomalies.ts) — it works without
 * JavaScript and is cached like any public page — and each jump's two entries
 * are checked in the reader's browser (portal/jump-evidence.ts).
 */
import type { RecapVersion } from '../domains/results/index.ts';
import type { TpsRow } from './anomalies.ts';

export const JUMP_FACTOR = 3;
export const JUMP_MIN_VOTES = 100;
export const SHARE_FACTOR = 1.5;
export const SHARE_MIN_POINTS = 2;
/** Most history pages, entries and TPS histories one decrease's explanation reads. */
export const EXPLAIN_BUDGET = 60;

/** One published version of an area's recap (`/v1/results/{contest}/history/{area}`). */
export type { RecapVersion };

export type JumpKind = 'votes' | 'share' | 'decrease';

export interface JumpReason {
  kind: JumpKind;
  /** `valid`, or a choice ID. */
  key: string;
  from: number;
  to: number;
  /** votes: the threshold crossed; share: the bound in points; decrease: 0. */
  limit: number;
  /** decrease only: what explains it (corrections), or why nothing does. */
  explained?: boolean;
  why?: string[];
}

export interface Jump {
  node: string;
  prev: RecapVersion;
  next: RecapVersion;
  /** TPS forms newly summed in this step (may be 0 or negative). */
  newTps: number;
  reasons: JumpReason[];
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The median valid votes of one accepted TPS among `rows` inside `area` (ID: all). */
export function tpsMedian(rows: readonly TpsRow[], area: string): number {
  return median(
    rows
      .filter((r) => r.status === 'accepted' && (area === 'ID' || r.tps.startsWith(area)))
      .map((r) => r.valid),
  );
}

const share = (v: RecapVersion, key: string) =>
  v.valid > 0 ? (100 * (v.votes[key] ?? 0)) / v.valid : 0;

/**
 * Pure: the steps of one area's history that break the votes or share rule,
 * and every step that lowers a total (a decrease to be explained or not, by
 * `explainDecreases`). `versions` oldest first; `perTps` the area's median.
 */
export function stepJumps(node: string, versions: readonly RecapVersion[], perTps: number): Jump[] {
  const out: Jump[] = [];
  for (let k = 1; k < versions.length; k++) {
    const prev = versions[k - 1]!;
    const next = versions[k]!;
    const newTps = next.tps.accepted - prev.tps.accepted;
    const reasons: JumpReason[] = [];
    const keys = ['valid', ...new Set([...Object.keys(prev.votes), ...Object.keys(next.votes)])];
    const limit = JUMP_FACTOR * Math.max(newTps, 1) * perTps;
    for (const key of keys) {
      const from = key === 'valid' ? prev.valid : (prev.votes[key] ?? 0);
      const to = key === 'valid' ? next.valid : (next.votes[key] ?? 0);
      const d = to - from;
      if (d >= JUMP_MIN_VOTES && d > limit) reasons.push({ kind: 'votes', key, from, to, limit });
      if (d < 0) reasons.push({ kind: 'decrease', key, from, to, limit: 0 });
      if (key !== 'valid' && prev.valid > 0 && next.valid > 0 && next.tps.accepted > 0) {
        const bound = Math.max(
          SHARE_MIN_POINTS,
          (SHARE_FACTOR * 100 * Math.max(newTps, 0)) / next.tps.accepted,
        );
        const [a, b] = [share(prev, key), share(next, key)];
        if (Math.abs(b - a) > bound)
          reasons.push({ kind: 'share', key, from: a, to: b, limit: bound });
      }
    }
    if (reasons.length > 0) out.push({ node, prev, next, newTps, reasons });
  }
  return out;
}

/** What the explanation of a decrease reads: public routes only (api/portal/data.ts). */
export interface JumpReader {
  /** Every version of a recap node, oldest first (all pages); null if none. */
  history(contest: string, node: string): Promise<RecapVersion[] | null>;
  /** The recap payload of the entry at a log index, if it is the recap of `node` at `seq`. */
  recapEntry(index: number, node: string, seq: number): Promise<RecapListing | null>;
  /** Whether version `seq` of the TPS's form is a correction. */
  isCorrection(contest: string, tps: string, seq: number): Promise<boolean>;
}

/** What the explanation needs of a recap entry's payload (ledger/verifier/results RecapPayload). */
export interface RecapListing {
  choices: string[];
  children: {
    code: string;
    seq: number;
    status?: 'accepted' | 'flagged';
    valid: number;
    votes: number[];
  }[];
}

const TPS = /^[0-9]{13}$/;

/** A child's contribution to `key` in a listing: a flagged TPS form is listed, not summed. */
function contribution(
  l: RecapListing,
  code: string,
  key: string,
): { seq: number; n: number } | null {
  const c = l.children.find((x) => x.code === code);
  if (!c) return null;
  if (c.status === 'flagged') return { seq: c.seq, n: 0 };
  if (key === 'valid') return { seq: c.seq, n: c.valid };
  const i = l.choices.indexOf(key);
  return { seq: c.seq, n: i < 0 ? 0 : (c.votes[i] ?? 0) };
}

class Budget {
  constructor(public left: number) {}
  take(): boolean {
    return this.left-- > 0;
  }
}

/**
 * Whether the fall of `key` in `node` from version `prev` to `next` is
 * explained by corrections, with the evidence or the reason it is not.
 */
async function explainStep(
  reader: JumpReader,
  contest: string,
  node: string,
  prev: RecapVersion,
  next: RecapVersion,
  key: string,
  budget: Budget,
): Promise<{ explained: boolean; why: string[] }> {
  if (prev.index === null || next.index === null)
    return { explained: false, why: [`${node} v${next.seq}: not in the log yet`] };
  if (!budget.take() || !budget.take())
    return { explained: false, why: [`${node}: not traced (read budget spent)`] };
  const [a, b] = await Promise.all([
    reader.recapEntry(prev.index, node, prev.seq),
    reader.recapEntry(next.index, node, next.seq),
  ]);
  if (!a || !b)
    return {
      explained: false,
      why: [`${node}: entry #${prev.index} or #${next.index} is not its recap`],
    };
  const why: string[] = [];
  let explained = true;
  let culprits = 0;
  for (const old of a.children) {
    const before = contribution(a, old.code, key)!;
    const after = contribution(b, old.code, key);
    if (after === null) {
      explained = false;
      culprits++;
      why.push(`${old.code} v${before.seq} is no longer listed`);
      continue;
    }
    if (after.n >= before.n) continue;
    culprits++;
    if (after.seq <= before.seq) {
      explained = false;
      why.push(
        `${old.code} v${before.seq} fell from ${before.n} to ${after.n} without a new version`,
      );
    } else if (TPS.test(old.code)) {
      if (!budget.take()) {
        explained = false;
        why.push(`${old.code}: not traced (read budget spent)`);
      } else if (await reader.isCorrection(contest, old.code, after.seq)) {
        why.push(`TPS ${old.code} v${before.seq}→v${after.seq}: correction`);
      } else {
        explained = false;
        why.push(`TPS ${old.code} v${after.seq} is not a correction`);
      }
    } else {
      const sub = await explainRange(reader, contest, old.code, before.seq, after.seq, key, budget);
      explained &&= sub.explained;
      why.push(...sub.why);
    }
  }
  if (culprits === 0) {
    explained = false;
    why.push(`${node}: no listed child's ${key} fell, yet the total did`);
  }
  return { explained, why };
}

/** Every fall of `key` in `node`'s history between versions `from` and `to`, explained or not. */
async function explainRange(
  reader: JumpReader,
  contest: string,
  node: string,
  from: number,
  to: number,
  key: string,
  budget: Budget,
): Promise<{ explained: boolean; why: string[] }> {
  if (!budget.take()) return { explained: false, why: [`${node}: not traced (read budget spent)`] };
  const h = (await reader.history(contest, node)) ?? [];
  const span = h.filter((v) => v.seq >= from && v.seq <= to);
  if (span.length !== to - from + 1 || span[0]?.seq !== from)
    return { explained: false, why: [`${node}: versions ${from}–${to} are not all published`] };
  const why: string[] = [];
  let explained = true;
  for (let k = 1; k < span.length; k++) {
    const [p, n] = [span[k - 1]!, span[k]!];
    const x = (v: RecapVersion) => (key === 'valid' ? v.valid : (v.votes[key] ?? 0));
    if (x(n) >= x(p)) continue;
    const sub = await explainStep(reader, contest, node, p, n, key, budget);
    explained &&= sub.explained;
    why.push(...sub.why);
  }
  return { explained, why };
}

/**
 * Fills in each decrease reason's `explained` and `why`; drops the explained
 * ones, and the jumps left with no reason.
 */
export async function explainDecreases(
  reader: JumpReader,
  contest: string,
  jumps: readonly Jump[],
): Promise<Jump[]> {
  const out: Jump[] = [];
  for (const j of jumps) {
    const reasons: JumpReason[] = [];
    for (const r of j.reasons) {
      if (r.kind !== 'decrease') {
        reasons.push(r);
        continue;
      }
      const e = await explainStep(
        reader,
        contest,
        j.node,
        j.prev,
        j.next,
        r.key,
        new Budget(EXPLAIN_BUDGET),
      );
      if (!e.explained) reasons.push({ ...r, explained: false, why: e.why });
    }
    if (reasons.length > 0) out.push({ ...j, reasons });
  }
  return out;
}

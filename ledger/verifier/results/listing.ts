/**
 * What one recap entry must hold by itself (step 7 of ./verify.ts): a listing
 * that is well formed beyond its schema, rows that lie in the area, and totals
 * that are exactly the sum of the rows (a Merkle sum tree node, ./recap.ts).
 */
import type { ResultsVerifyErrorCode } from './errors.ts';
import { isPart, listsOwnChild, TPS_CODE } from './nodes.ts';
import { type ChildFigures, type RecapPayload, sumChildren } from './recap.ts';

export type Fail = (code: ResultsVerifyErrorCode, message: string) => void;

/**
 * What the schema cannot say about a listing, each with its own code: one vote
 * column per choice, every row once, a TPS row shaped as one form (accepted or
 * flagged, with the checks that judged it) and an area or part row as the TPS
 * counts below it. Either shape on the other would miscount TPS.
 */
export function listingHolds(area: string, r: RecapPayload, fail: Fail): boolean {
  const where = `${area}'s recap`;
  if (new Set(r.choices).size !== r.choices.length) {
    fail('MALFORMED_RECAP', `${where} lists a choice twice`);
    return false;
  }
  const codes = new Set<string>();
  for (const c of r.children) {
    if (codes.has(c.code)) {
      fail('COUNTED_TWICE', `${where} lists ${c.code} twice`);
      return false;
    }
    codes.add(c.code);
    if (c.votes.length !== r.choices.length) {
      fail('MALFORMED_RECAP', `${where}: ${c.code} has not one vote count per choice`);
      return false;
    }
    const isTps = TPS_CODE.test(c.code);
    if (isTps && (c.tps !== undefined || c.status === undefined)) {
      fail(
        'WRONG_ROW_SHAPE',
        `${where}: TPS row ${c.code} must say accepted or flagged, and nothing else`,
      );
      return false;
    }
    if (!isTps && (c.status !== undefined || c.checks !== undefined || c.tps === undefined)) {
      fail(
        'WRONG_ROW_SHAPE',
        `${where}: area row ${c.code} must carry its TPS counts, not a status`,
      );
      return false;
    }
  }
  // A part lists its area's children; only an area lists parts (./nodes.ts).
  if (isPart(area) !== (r.level === 'part')) {
    fail('MALFORMED_RECAP', `${where} says level ${r.level}`);
    return false;
  }
  return true;
}

/** This recap's totals are exactly its listed children's, and every child is its own. */
export function sumHolds(
  area: string,
  contest: string,
  recap: RecapPayload,
  children: ChildFigures[],
  fail: Fail,
): void {
  for (const c of children)
    if (!listsOwnChild(area, c.code))
      fail('FOREIGN_CHILD', `${area}'s recap lists ${c.code}, which is not one of its areas`);
  const sum = sumChildren(contest, recap.dapil !== null, children);
  if (sum.valid !== recap.valid || sum.invalid !== recap.invalid)
    fail(
      'SUM_MISMATCH',
      `${area}: valid/invalid ${recap.valid}/${recap.invalid} but the children sum to ${sum.valid}/${sum.invalid}`,
    );
  if (sum.tps.accepted !== recap.tps.accepted || sum.tps.flagged !== recap.tps.flagged)
    fail(
      'SUM_MISMATCH',
      `${area}: counts ${recap.tps.accepted}+${recap.tps.flagged} TPS but the children hold ${sum.tps.accepted}+${sum.tps.flagged}`,
    );
  const keys = new Set([...Object.keys(sum.votes), ...Object.keys(recap.votes)]);
  for (const k of keys)
    if ((sum.votes[k] ?? 0) !== (recap.votes[k] ?? 0))
      fail(
        'SUM_MISMATCH',
        `${area}: choice ${k} has ${recap.votes[k] ?? 0} but the children sum to ${sum.votes[k] ?? 0}`,
      );
}

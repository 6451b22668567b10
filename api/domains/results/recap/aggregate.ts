/**
 * What a recap of an area sums, as pure functions shared by the publisher and by
 * the observer's chain check (../proof/verify-chain.ts), so both compute a total
 * the same way.
 *
 * Choice IDs (registry README): PPWP pair "1"; DPD candidate "3"; DPR/DPRD party
 * "7" and candidate "7.2". On the C.Hasil sheet, and so in a form, "7" is the
 * party-only votes. In a recap (and the CSV export) "7" is the party's TOTAL —
 * party-only plus its candidates' votes — so that a party's number adds up at
 * every level, from TPS to nation; a form's party-only votes are its party total
 * minus its candidate rows. Candidate numbers ("7.2", DPD "3") name one person
 * only inside one dapil, so candidate rows exist only in recaps of areas that lie
 * inside one dapil of the contest; above that (a province with several DPR dapil,
 * the nation) DPR/DPRD recaps keep party totals and DPD recaps only the valid and
 * invalid votes.
 */

export type Votes = Readonly<Record<string, number>>;

export interface Figures {
  valid: number;
  invalid: number;
  votes: Record<string, number>;
}

/** A child of a recap: a TPS form version, or a lower area's recap version. */
export interface RecapChild {
  /** TPS code (13 digits) or area code. */
  code: string;
  seq: number;
  /** Standard base64 RFC 9162 leaf hash of the child's log entry. */
  hash: string;
  /** TPS children only: a flagged form is listed (committed to) but not summed. */
  status?: 'accepted' | 'flagged';
}

/** The recap payload in the log (kind `results.recap.computed`). */
export interface RecapPayload extends Figures {
  contest: string;
  area: string;
  level: string;
  /** The dapil of this contest the area lies wholly inside, or null (then no candidate rows). */
  dapil: string | null;
  /** TPS forms summed (accepted) and listed but left out (flagged) below this area. */
  tps: { accepted: number; flagged: number };
  children: RecapChild[];
}

/** A form's votes as a recap counts them: for party contests "7" becomes the party total. */
export function recapVotes(contest: string, formVotes: Votes): Record<string, number> {
  const out: Record<string, number> = {};
  const party = contest === 'DPR' || contest === 'DPRD_PROV' || contest === 'DPRD_KABKOTA';
  for (const id in formVotes) {
    const n = formVotes[id]!;
    out[id] = (out[id] ?? 0) + n;
    const dot = party ? id.indexOf('.') : -1;
    if (dot !== -1) {
      const p = id.slice(0, dot);
      out[p] = (out[p] ?? 0) + n;
    }
  }
  return out;
}

/** Whether a recap-votes key adds up in an area (candidates only inside one dapil). */
export function keepsChoice(contest: string, id: string, withinDapil: boolean): boolean {
  if (withinDapil || contest === 'PPWP') return true;
  if (contest === 'DPD') return false;
  return !id.includes('.');
}

/** Adds `from` (recap votes) into `into`, keeping the choices the receiving area keeps. */
export function addFigures(
  into: Figures,
  from: Figures,
  contest: string,
  withinDapil: boolean,
): void {
  into.valid += from.valid;
  into.invalid += from.invalid;
  for (const id in from.votes)
    if (keepsChoice(contest, id, withinDapil))
      into.votes[id] = (into.votes[id] ?? 0) + from.votes[id]!;
}

/** Votes with sorted keys, so equal totals compare and serialise equally. */
export function sortedVotes(votes: Votes): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(votes).sort(compareChoice)) out[k] = votes[k]!;
  return out;
}

/** Ballot order: "2" < "2.1" < "2.10" < "10". */
export function compareChoice(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1! - b1! || (a2 ?? 0) - (b2 ?? 0);
}

/**
 * A recap's figures from its children's figures (recap votes: TPS forms go
 * through recapVotes first): accepted children add up, flagged ones are only listed. `children` pairs each child's reference with its
 * figures; they come out sorted by code.
 */
export function sumChildren(
  contest: string,
  withinDapil: boolean,
  children: readonly { ref: RecapChild; figures: Figures; tps?: RecapPayload['tps'] }[],
): Pick<RecapPayload, 'valid' | 'invalid' | 'votes' | 'tps' | 'children'> {
  const total: Figures = { valid: 0, invalid: 0, votes: {} };
  const tps = { accepted: 0, flagged: 0 };
  const sorted = [...children].sort((x, y) => (x.ref.code < y.ref.code ? -1 : 1));
  for (const c of sorted) {
    if (c.tps) {
      tps.accepted += c.tps.accepted;
      tps.flagged += c.tps.flagged;
    } else if (c.ref.status === 'flagged') tps.flagged++;
    else tps.accepted++;
    if (c.ref.status !== 'flagged') addFigures(total, c.figures, contest, withinDapil);
  }
  return {
    valid: total.valid,
    invalid: total.invalid,
    votes: sortedVotes(total.votes),
    tps,
    children: sorted.map((c) => c.ref),
  };
}

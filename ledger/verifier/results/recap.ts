/**
 * What a recap of an area sums, as pure functions shared by the publisher and by
 * the observer's chain check (./verify.ts), so both compute a total the same way.
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

/**
 * A child of a recap as the recap lists it: which entry (code, version, leaf
 * hash) and the figures it contributes, so one recap entry is enough to check
 * its own sum, and a chain of them (form → desa → … → nation) proves a TPS's
 * signed numbers are in the national totals without fetching any sibling — a
 * Merkle sum tree over the log (./verify.ts).
 *
 * Votes are listed as a column per choice (the recap's `choices`), not a map:
 * a DPR listing names up to ~300 choices, and an entry must stay under 64 KiB
 * (C2SP entry bundles), so every listing is a row of numbers, and an area with
 * more than MAX_LISTED children lists parts of them (api/domains/results/recap/parts.ts).
 */
export interface RecapChild {
  /** TPS code (13 digits), area code, or part code (`<area>/<n>`). */
  code: string;
  seq: number;
  /** Standard base64 RFC 9162 leaf hash of the child's log entry. */
  hash: string;
  /** TPS children only: a flagged form is listed (committed to) but not summed. */
  status?: 'accepted' | 'flagged';
  /**
   * TPS children only: the version of the arithmetic checks (./checks.ts) that
   * gave `status`, so a verifier re-runs those checks and no later ones. Rows
   * written before versions existed have none: version 1.
   */
  checks?: number;
  /** Area and part children only: TPS forms summed and left out below the child. */
  tps?: { accepted: number; flagged: number };
  valid: number;
  invalid: number;
  /** Recap votes per choice, in the order of the listing recap's `choices`. */
  votes: number[];
}

/** A listed child with its votes by choice: what the publisher and verifier reason on. */
export interface ChildFigures extends Omit<RecapChild, 'votes'> {
  /** Recap votes of the choices the listing recap keeps (zeros may be left out). */
  votes: Record<string, number>;
}

/** The recap payload in the log (kind `results.recap.computed`). */
export interface RecapPayload extends Figures {
  contest: string;
  /** Area code, or `<area>/<n>` for a part of a large area's children. */
  area: string;
  /** The area's level, or `part`. */
  level: string;
  /** The dapil of this contest the area lies wholly inside, or null (then no candidate rows). */
  dapil: string | null;
  /** TPS forms summed (accepted) and listed but left out (flagged) below this area. */
  tps: { accepted: number; flagged: number };
  /** The columns of the children's `votes`, in ballot order. */
  choices: string[];
  children: RecapChild[];
}

/** What the `recaps` table keeps of a recap: the payload without its listing (that is in the entry). */
export type RecapTotals = Omit<RecapPayload, 'children' | 'choices'>;

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

/** Votes with sorted keys, so equal totals compare and serialise equally. */
export function sortedVotes(votes: Votes): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(votes).sort(compareChoice)) out[k] = votes[k]!;
  return out;
}

/** Ballot order: "2" < "2.1" < "2.10" < "10". */
export function compareChoice(a: string, b: string): number {
  return rankOf(a) - rankOf(b);
}

/** Ballot-order sort keys of choice ids, kept: the same few hundred ids recur in every recap. */
const ballotRank = new Map<string, number>();
function rankOf(id: string): number {
  let r = ballotRank.get(id);
  if (r === undefined) {
    // parseInt stops at the dot: the party (or pair, or DPD candidate) number.
    const dot = id.indexOf('.');
    r =
      Number.parseInt(id, 10) * 100_000 + (dot === -1 ? 0 : Number.parseInt(id.slice(dot + 1), 10));
    if (ballotRank.size < 100_000) ballotRank.set(id, r);
  }
  return r;
}

/** A TPS form version as its desa recap (or part) lists it: the form's recap votes. */
export function formChild(
  contest: string,
  code: string,
  seq: number,
  hash: string,
  status: 'accepted' | 'flagged',
  /** The check-set version that gave `status`; undefined only for rows read back from before versions. */
  checks: number | undefined,
  form: Figures,
  parentWithinDapil: boolean,
): ChildFigures {
  return {
    code,
    seq,
    hash,
    status,
    ...(checks === undefined ? {} : { checks }),
    valid: form.valid,
    invalid: form.invalid,
    votes: kept(contest, recapVotes(contest, form.votes), parentWithinDapil),
  };
}

/** A recap version as its parent lists it: the choices the parent keeps. */
export function areaChild(
  recap: RecapPayload,
  seq: number,
  hash: string,
  parentWithinDapil: boolean,
): ChildFigures {
  return {
    code: recap.area,
    seq,
    hash,
    tps: { accepted: recap.tps.accepted, flagged: recap.tps.flagged },
    valid: recap.valid,
    invalid: recap.invalid,
    votes: kept(recap.contest, recap.votes, parentWithinDapil),
  };
}

function kept(contest: string, votes: Votes, withinDapil: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id in votes)
    if (votes[id] !== 0 && keepsChoice(contest, id, withinDapil)) out[id] = votes[id]!;
  return out;
}

/** A recap's listing read back by choice (zeros left out). */
export function listedChildren(recap: Pick<RecapPayload, 'choices' | 'children'>): ChildFigures[] {
  return recap.children.map((c) => {
    const votes: Record<string, number> = {};
    recap.choices.forEach((id, i) => {
      const n = c.votes[i];
      if (n !== 0) votes[id] = n as number;
    });
    return { ...c, votes };
  });
}

/** Whether two listings of a child say exactly the same (the chain check). */
export function sameChild(a: ChildFigures, b: ChildFigures): boolean {
  if (
    a.code !== b.code ||
    a.seq !== b.seq ||
    a.hash !== b.hash ||
    a.status !== b.status ||
    a.checks !== b.checks ||
    a.valid !== b.valid ||
    a.invalid !== b.invalid ||
    a.tps?.accepted !== b.tps?.accepted ||
    a.tps?.flagged !== b.tps?.flagged
  )
    return false;
  const nonzero = (v: Record<string, number>) => Object.keys(v).filter((k) => v[k] !== 0);
  const ka = nonzero(a.votes);
  return ka.length === nonzero(b.votes).length && ka.every((k) => a.votes[k] === b.votes[k]);
}

/**
 * A recap's figures and listing from its children: accepted children add up,
 * flagged ones are only listed. Children come out sorted by code, each with a
 * vote column for every choice any child lists, in ballot order. (Column
 * arithmetic: this runs for every recap entry the publisher writes.)
 */
export function sumChildren(
  contest: string,
  withinDapil: boolean,
  children: readonly ChildFigures[],
): Pick<RecapPayload, 'valid' | 'invalid' | 'votes' | 'tps' | 'choices' | 'children'> {
  const sorted = [...children].sort((x, y) => (x.code < y.code ? -1 : 1));
  const seen = new Set<string>();
  for (const c of sorted) for (const id in c.votes) if (c.votes[id] !== 0) seen.add(id);
  const choices = [...seen].sort(compareChoice);
  const column = new Map(choices.map((id, i) => [id, i]));
  const sums = new Array<number>(choices.length).fill(0);
  const tps = { accepted: 0, flagged: 0 };
  let valid = 0;
  let invalid = 0;
  const rows = sorted.map((c) => {
    const row = new Array<number>(choices.length).fill(0);
    for (const id in c.votes) {
      const n = c.votes[id]!;
      if (n !== 0) row[column.get(id)!] = n;
    }
    if (c.tps) {
      tps.accepted += c.tps.accepted;
      tps.flagged += c.tps.flagged;
    } else if (c.status === 'flagged') tps.flagged++;
    else tps.accepted++;
    if (c.status !== 'flagged') {
      valid += c.valid;
      invalid += c.invalid;
      for (let i = 0; i < row.length; i++) sums[i]! += row[i]!;
    }
    return { ...c, votes: row };
  });
  const votes: Record<string, number> = {};
  choices.forEach((id, i) => {
    if (sums[i]! > 0 && keepsChoice(contest, id, withinDapil)) votes[id] = sums[i]!;
  });
  return { valid, invalid, votes, tps, choices, children: rows };
}

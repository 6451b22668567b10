/**
 * The registry's data model: the ballot format count forms are coded
 * against (fixed; see README.md "Choice IDs"), and the rows of each dataset as
 * they are loaded, hashed into the log and stored.
 */
import type { AreaLevel } from '../../../policies/areas.ts';
import type { ContestId, DapilContestId } from './contests.ts';

// The contests are defined once, in contests.ts; re-exported for the registry's files.
export {
  CONTEST_IDS,
  CONTESTS,
  type ContestId,
  type ContestInfo,
  type DapilContestId,
  isContestId,
} from './contests.ts';

/**
 * DKI Jakarta's kab/kota are administrative, without a council of their own
 * (UU 29/2007 Art. 19): its voters get four ballots, not five.
 */
export const NO_DPRD_KABKOTA_PROVINCE = '31';
/** Local parties exist only in Aceh (UU 11/2006 Art. 75) and contest only its DPRA and DPRK. */
export const ACEH = '11';

// ---------------------------------------------------------------------------
// The ballot (fixed format, other domains code against it)

/**
 * One box on a ballot. IDs: PPWP pair `"<n>"`; DPD candidate `"<n>"`; DPR/DPRD
 * party-only votes `"<party>"` and candidate votes `"<party>.<n>"`.
 */
export interface Choice {
  id: string;
  kind: 'pair' | 'party' | 'candidate';
  /** Pair number, party number, or the candidate's ballot number. */
  number: number;
  /** For a DPR/DPRD candidate: their party's number. */
  party?: number;
  name: string;
}

export interface Ballot {
  contest: ContestId;
  /** The dapil; null for PPWP (the whole nation). */
  dapil: string | null;
  /** Ballot order: pairs, DPD candidates, or each party followed by its candidates. */
  choices: Choice[];
  choiceIds: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------
// Dataset rows

/** The area levels (policies/areas.ts, the one definition of area codes). */
export type { AreaLevel };
export type StoredAreaLevel = Exclude<AreaLevel, 'nasional' | 'tps'>;

/** An area above TPS level ('ID' itself is part of the schema, not of a dataset). */
export interface AreaRow {
  code: string;
  level: StoredAreaLevel;
  parent: string;
  name: string;
}

/** A TPS: its code is the desa's code plus its 3-digit number; `dpt` = registered voters. */
export interface TpsRow {
  code: string;
  dpt: number;
}

export interface DapilRow {
  id: string;
  contest: DapilContestId;
  name: string;
  seats: number;
  /** The province (the kab/kota for DPRD_KABKOTA) every member lies in. */
  region: string;
  /** Member areas, sorted. */
  areas: string[];
}

export interface PartyRow {
  number: number;
  name: string;
  abbreviation: string;
  /** 'ID' for a national party, '11' for an Aceh local party. */
  scope: string;
}

export interface CandidateRow {
  contest: DapilContestId;
  dapil: string;
  /** null for DPD candidates (they stand as individuals). */
  party: number | null;
  /** Ballot number: within the party list, or among the province's DPD candidates. */
  number: number;
  name: string;
  /** 'L' laki-laki, 'P' perempuan, as on KPU forms. */
  sex: 'L' | 'P';
}

export interface PairRow {
  number: number;
  president: string;
  vicePresident: string;
}

/** A DPT slot with no TPS behind it (TPS numbers need not be contiguous). */
export const NO_TPS = 0xffff;

/**
 * TPS as columns (823,220 of them at national scale): the TPS of `desa[i]` are
 * in slots numbered 1..count[i] (the highest TPS number), their DPT one after
 * another in `dpt`; a slot holding NO_TPS has no TPS with that number.
 */
export interface TpsTable {
  desa: string[];
  count: Uint16Array;
  dpt: Uint16Array;
}

/** A whole election's registry, as the generator makes it and the loader stores it. */
export interface ElectionData {
  areas: AreaRow[];
  tps: TpsTable;
  dapil: DapilRow[];
  parties: PartyRow[];
  candidates: CandidateRow[];
  pairs: PairRow[];
}

export const DATASETS = ['areas', 'tps', 'dapil', 'parties', 'candidates', 'pairs'] as const;
export type Dataset = (typeof DATASETS)[number];

// ---------------------------------------------------------------------------
// Errors

export type RegistryErrorCode =
  | 'INVALID_CSV'
  | 'INVALID_DATA'
  | 'REGISTRY_NOT_EMPTY'
  | 'INVALID_OPTIONS';

export interface RegistryIssue {
  /** 1-based line of the CSV file, when the data came from one. */
  line?: number;
  message: string;
}

/** A refused import or load: nothing of it was stored. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly issues: readonly RegistryIssue[];
  constructor(code: RegistryErrorCode, message: string, issues: readonly RegistryIssue[] = []) {
    super(
      issues.length === 0
        ? message
        : `${message}: ${issues
            .slice(0, 20)
            .map((i) => (i.line ? `line ${i.line}: ${i.message}` : i.message))
            .join('; ')}${issues.length > 20 ? `; … ${issues.length - 20} more` : ''}`,
    );
    this.name = 'RegistryError';
    this.code = code;
    this.issues = issues;
  }
}

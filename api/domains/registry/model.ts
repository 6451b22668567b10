/**
 * The registry's data model: contests, the ballot format count forms are coded
 * against (fixed; see README.md "Choice IDs"), and the rows of each dataset as
 * they are loaded, hashed into the log and stored.
 */
import {
  DPD_SEATS_PER_PROVINCE,
  DPR_DAPIL_SEATS,
  DPRD_DAPIL_SEATS,
} from '../results/determination/index.ts';

export type ContestId = 'PPWP' | 'DPR' | 'DPD' | 'DPRD_PROV' | 'DPRD_KABKOTA';

/** In ballot order (the order of the five ballot papers). */
export const CONTEST_IDS: readonly ContestId[] = [
  'PPWP',
  'DPR',
  'DPD',
  'DPRD_PROV',
  'DPRD_KABKOTA',
];

export function isContestId(s: unknown): s is ContestId {
  return typeof s === 'string' && (CONTEST_IDS as readonly string[]).includes(s);
}

export interface ContestInfo {
  id: ContestId;
  name: string;
  /** Seats per dapil (UU 7/2017 Art. 187, 189, 192, 196); null: PPWP has no dapil. */
  seats: { min: number; max: number } | null;
  /** Area levels a member of one of its dapil may have. */
  memberLevels: readonly ('provinsi' | 'kabkota' | 'kecamatan')[];
  /** The area a dapil lies within: the province, or the kab/kota for DPRD_KABKOTA. */
  region: 'provinsi' | 'kabkota' | null;
}

export const CONTESTS: Readonly<Record<ContestId, ContestInfo>> = {
  PPWP: {
    id: 'PPWP',
    name: 'Presiden dan Wakil Presiden',
    seats: null,
    memberLevels: [],
    region: null,
  },
  DPR: {
    id: 'DPR',
    name: 'Dewan Perwakilan Rakyat',
    seats: DPR_DAPIL_SEATS,
    // Art. 187(1): a province, a kab/kota, or a group of kab/kota.
    memberLevels: ['provinsi', 'kabkota'],
    region: 'provinsi',
  },
  DPD: {
    id: 'DPD',
    name: 'Dewan Perwakilan Daerah',
    seats: { min: DPD_SEATS_PER_PROVINCE, max: DPD_SEATS_PER_PROVINCE },
    // Art. 196: each province is one DPD electoral district.
    memberLevels: ['provinsi'],
    region: 'provinsi',
  },
  DPRD_PROV: {
    id: 'DPRD_PROV',
    name: 'DPRD Provinsi',
    seats: DPRD_DAPIL_SEATS,
    // Art. 189: kab/kota or groups of them; kecamatan where a kab/kota is split
    // (Jakarta's kota administrasi are split into groups of kecamatan).
    memberLevels: ['provinsi', 'kabkota', 'kecamatan'],
    region: 'provinsi',
  },
  DPRD_KABKOTA: {
    id: 'DPRD_KABKOTA',
    name: 'DPRD Kabupaten/Kota',
    seats: DPRD_DAPIL_SEATS,
    // Art. 192: a kecamatan or a group of kecamatan.
    memberLevels: ['kecamatan'],
    region: 'kabkota',
  },
};

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

export type AreaLevel = 'nasional' | 'provinsi' | 'kabkota' | 'kecamatan' | 'desa' | 'tps';
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
  contest: Exclude<ContestId, 'PPWP'>;
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
  contest: Exclude<ContestId, 'PPWP'>;
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

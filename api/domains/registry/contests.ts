/**
 * The five contests — the one definition every part imports (docs/rules.md):
 * the count-form schema, the results routes, the recapitulation, the registry,
 * `saksi results verify` and the demo seeder. Their ids are permanent: they are
 * in log entries (`chasil:<contest>:<tps>`), URLs and CSV files.
 *
 * DOMAIN.md glossary: PPWP (president/vice-president), DPR, DPD, DPRD provinsi,
 * DPRD kabupaten/kota; Jakarta votes four of them (no DPRD_KABKOTA, schemas.ts).
 */

import { CONTESTS as VERIFIER_CONTESTS } from '../../../ledger/verifier/results/contests.ts';
import {
  DPD_SEATS_PER_PROVINCE,
  DPR_DAPIL_SEATS,
  DPRD_DAPIL_SEATS,
} from '../results/determination/index.ts';

/**
 * In ballot order (the order of the five ballot papers). The ids themselves come
 * from the observer's verifier, which must stay browser-safe and cannot import
 * the API: one list, read by both.
 */
export const CONTEST_IDS = VERIFIER_CONTESTS;
export type ContestId = (typeof CONTEST_IDS)[number];
/** Contests elected in electoral districts (dapil): all but the president. */
export type DapilContestId = Exclude<ContestId, 'PPWP'>;

/** What a voter marks on the ballot paper of a contest. */
export type BallotKind =
  /** a presidential pair (choice id "n") */
  | 'pairs'
  /** an individual DPD candidate (choice id "n") */
  | 'candidates'
  /** a party ("p") or one of its candidates ("p.c") */
  | 'parties';

export interface ContestInfo {
  id: ContestId;
  name: string;
  ballot: BallotKind;
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
    ballot: 'pairs',
    seats: null,
    memberLevels: [],
    region: null,
  },
  DPR: {
    id: 'DPR',
    name: 'Dewan Perwakilan Rakyat',
    ballot: 'parties',
    seats: DPR_DAPIL_SEATS,
    // Art. 187(1): a province, a kab/kota, or a group of kab/kota.
    memberLevels: ['provinsi', 'kabkota'],
    region: 'provinsi',
  },
  DPD: {
    id: 'DPD',
    name: 'Dewan Perwakilan Daerah',
    ballot: 'candidates',
    seats: { min: DPD_SEATS_PER_PROVINCE, max: DPD_SEATS_PER_PROVINCE },
    // Art. 196: each province is one DPD electoral district.
    memberLevels: ['provinsi'],
    region: 'provinsi',
  },
  DPRD_PROV: {
    id: 'DPRD_PROV',
    name: 'DPRD Provinsi',
    ballot: 'parties',
    seats: DPRD_DAPIL_SEATS,
    // Art. 189: kab/kota or groups of them; kecamatan where a kab/kota is split
    // (Jakarta's kota administrasi are split into groups of kecamatan).
    memberLevels: ['provinsi', 'kabkota', 'kecamatan'],
    region: 'provinsi',
  },
  DPRD_KABKOTA: {
    id: 'DPRD_KABKOTA',
    name: 'DPRD Kabupaten/Kota',
    ballot: 'parties',
    seats: DPRD_DAPIL_SEATS,
    // Art. 192: a kecamatan or a group of kecamatan.
    memberLevels: ['kecamatan'],
    region: 'kabkota',
  },
};

/** Contests elected in dapil, in ballot order. */
export const DAPIL_CONTESTS: readonly DapilContestId[] = CONTEST_IDS.filter(
  (c): c is DapilContestId => CONTESTS[c].region !== null,
);
/** Contests voted by party list: a vote goes to a party or to one of its candidates. */
export const PARTY_CONTESTS: readonly ContestId[] = CONTEST_IDS.filter(
  (c) => CONTESTS[c].ballot === 'parties',
);
/** Contests whose choices belong to no party: presidential pairs and DPD candidates. */
export const PLAIN_CHOICE_CONTESTS: readonly ContestId[] = CONTEST_IDS.filter(
  (c) => CONTESTS[c].ballot !== 'parties',
);

const INDEX: ReadonlyMap<string, number> = new Map(CONTEST_IDS.map((c, i) => [c, i]));

/** Contest ids arrive in URLs, payloads and CSV files (attacker-controlled): check before use. */
export function isContestId(s: unknown): s is ContestId {
  return typeof s === 'string' && INDEX.has(s);
}

export function isDapilContest(s: unknown): s is DapilContestId {
  return isContestId(s) && CONTESTS[s].region !== null;
}

/** Whether a contest is voted by party list (false for anything not a contest). */
export function isPartyContest(s: string): boolean {
  return isContestId(s) && CONTESTS[s].ballot === 'parties';
}

/** Position in CONTEST_IDS (ballot order), −1 for anything else. */
export function contestIndex(s: string): number {
  return INDEX.get(s) ?? -1;
}

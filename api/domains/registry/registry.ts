/**
 * The registry as an in-memory index for counting: which TPS exist, their DPT,
 * which contests are held there and the ballot of each — answered without I/O or
 * allocation on the hot path (count forms arrive at ~5,000/s).
 *
 * Memory stays bounded at national scale (823,220 TPS): there is no object per
 * TPS. Each desa has an ordinal; its TPS are slots in one Uint16Array of DPT, and
 * one Int32Array holds, per desa and contest, the index of a ballot shared by
 * every TPS of that dapil. A TPS code is resolved by parsing its digits into two
 * small integers looked up in a typed-array hash table (DesaIndex).
 */
import type { Sql } from '../../../ledger/index.ts';
import {
  areaAncestors,
  NATIONAL as NATIONAL_CODE,
  parentArea,
  tpsName,
} from '../../../policies/areas.ts';
import { CONTEST_IDS, type ContestId, contestIndex, type DapilContestId } from './contests.ts';
import {
  type AreaLevel,
  type AreaRow,
  type Ballot,
  type CandidateRow,
  type Choice,
  DATASETS,
  type DapilRow,
  type ElectionData,
  NO_DPRD_KABKOTA_PROVINCE,
  NO_TPS,
  type PairRow,
  type PartyRow,
  type TpsTable,
} from './schemas.ts';

export interface AreaInfo {
  code: string;
  level: AreaLevel;
  name: string;
  parent: string | null;
}

export interface DapilInfo {
  id: string;
  contest: DapilContestId;
  name: string;
  seats: number;
  region: string;
  areas: string[];
}

const NATIONAL: AreaInfo = Object.freeze({
  code: 'ID',
  level: 'nasional',
  name: 'Indonesia',
  parent: null,
});
const N_CONTESTS = CONTEST_IDS.length;
/**
 * Desa code → desa ordinal, as an open-addressing hash table over typed arrays.
 * A desa code is split into two small integers (its first 6 and last 4 digits) so
 * that a look-up allocates nothing: a 10-digit number would exceed V8's small
 * integers and be boxed on every call (measured: ~3× slower than this).
 */
class DesaIndex {
  readonly #hi: Int32Array;
  readonly #lo: Int32Array;
  readonly #ordinal: Int32Array;
  readonly #mask: number;

  constructor(codes: readonly string[]) {
    let size = 16;
    while (size < codes.length * 2) size *= 2;
    this.#hi = new Int32Array(size);
    this.#lo = new Int32Array(size);
    this.#ordinal = new Int32Array(size).fill(-1);
    this.#mask = size - 1;
    codes.forEach((code, i) => {
      const hi = digits(code, 0, 6);
      const lo = digits(code, 6, 10);
      if (code.length !== 10 || hi < 0 || lo < 0) throw new Error(`not a desa code: ${code}`);
      let slot = hash(hi, lo) & this.#mask;
      while (this.#ordinal[slot]! >= 0) slot = (slot + 1) & this.#mask;
      this.#hi[slot] = hi;
      this.#lo[slot] = lo;
      this.#ordinal[slot] = i;
    });
  }

  /** The ordinal of the desa whose code splits into (hi, lo), or −1. */
  get(hi: number, lo: number): number {
    for (let slot = hash(hi, lo) & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const o = this.#ordinal[slot]!;
      if (o < 0 || (this.#hi[slot] === hi && this.#lo[slot] === lo)) return o;
    }
  }
}

function hash(hi: number, lo: number): number {
  let h = Math.imul(hi, 0x9e3779b1) ^ lo;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * The decimal value of s[from..to), or −1 if any of it is not an ASCII digit
 * (codes are attacker-controlled: checked digit by digit).
 */
function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

function freezeBallot(contest: ContestId, dapil: string | null, choices: Choice[]): Ballot {
  for (const c of choices) Object.freeze(c);
  return Object.freeze({
    contest,
    dapil,
    choices: Object.freeze(choices) as Choice[],
    choiceIds: new Set(choices.map((c) => c.id)) as ReadonlySet<string>,
  });
}

/** Parties with candidates in a dapil, each followed by its list (ballot order). */
function partyBallot(
  contest: ContestId,
  dapil: string,
  candidates: readonly CandidateRow[],
  parties: ReadonlyMap<number, PartyRow>,
): Ballot {
  const byParty = new Map<number, CandidateRow[]>();
  for (const c of candidates) {
    const list = byParty.get(c.party!) ?? [];
    list.push(c);
    byParty.set(c.party!, list);
  }
  const choices: Choice[] = [];
  for (const party of [...byParty.keys()].sort((a, b) => a - b)) {
    const p = parties.get(party);
    choices.push({ id: String(party), kind: 'party', number: party, name: p?.name ?? '' });
    for (const c of byParty.get(party)!.sort((a, b) => a.number - b.number))
      choices.push({
        id: `${party}.${c.number}`,
        kind: 'candidate',
        number: c.number,
        party,
        name: c.name,
      });
  }
  return freezeBallot(contest, dapil, choices);
}

interface State {
  areas: Map<string, AreaInfo>;
  children: Map<string, string[]>;
  desaIndex: DesaIndex;
  desaCodes: string[];
  /** Slots of desa i: slotStart[i] .. slotStart[i+1]−1, slot k is TPS number k+1. */
  slotStart: Int32Array;
  dpt: Uint16Array;
  tpsCount: number;
  /** Per desa ordinal × contest: index into `ballots`, −1 when not held or uncovered. */
  ballotOf: Int32Array;
  ballots: Ballot[];
  dapil: Map<string, DapilInfo>;
  /** Per contest: member area → dapil id. */
  members: Map<ContestId, Map<string, string>>;
  parties: PartyRow[];
  pairs: PairRow[];
  /** contestsAt answers, shared per bitmask of contests held. */
  contestSets: ContestId[][];
  /** dapilOf answers for areas above member level, per contest. */
  insideMemo: Map<string, string | null>;
}

function buildState(data: ElectionData): State {
  const areas = new Map<string, AreaInfo>([['ID', NATIONAL]]);
  const children = new Map<string, string[]>();
  const sorted = [...data.areas].sort((a, b) =>
    a.code.length !== b.code.length ? a.code.length - b.code.length : a.code < b.code ? -1 : 1,
  );
  for (const a of sorted) {
    areas.set(
      a.code,
      Object.freeze({ code: a.code, level: a.level, name: a.name, parent: a.parent }),
    );
    const kids = children.get(a.parent) ?? [];
    kids.push(a.code);
    children.set(a.parent, kids);
  }

  // TPS: one slot per TPS number up to the highest, per desa.
  const { desa, count, dpt: tpsDpt } = data.tps;
  const desaIndex = new DesaIndex(desa);
  const slotStart = new Int32Array(desa.length + 1);
  for (let i = 0; i < desa.length; i++) slotStart[i + 1] = slotStart[i]! + count[i]!;
  const dpt = tpsDpt.slice(0, slotStart[desa.length]);
  let tpsCount = 0;
  for (let i = 0; i < dpt.length; i++) if (dpt[i] !== NO_TPS) tpsCount++;

  // Ballots: one per (contest, dapil), PPWP one for the nation.
  const parties = new Map(data.parties.map((p) => [p.number, p]));
  const byDapil = new Map<string, CandidateRow[]>();
  for (const c of data.candidates) {
    const list = byDapil.get(c.dapil) ?? [];
    list.push(c);
    byDapil.set(c.dapil, list);
  }
  const ballots: Ballot[] = [];
  const ballotIndex = new Map<string, number>();
  const pairs = [...data.pairs].sort((a, b) => a.number - b.number);
  ballots.push(
    freezeBallot(
      'PPWP',
      null,
      pairs.map((p) => ({
        id: String(p.number),
        kind: 'pair',
        number: p.number,
        name: `${p.president} – ${p.vicePresident}`,
      })),
    ),
  );
  const dapil = new Map<string, DapilInfo>();
  const members = new Map<ContestId, Map<string, string>>(CONTEST_IDS.map((c) => [c, new Map()]));
  for (const d of [...data.dapil].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    dapil.set(d.id, Object.freeze({ ...d, areas: Object.freeze([...d.areas].sort()) as string[] }));
    for (const a of d.areas) members.get(d.contest)!.set(a, d.id);
    const cands = byDapil.get(d.id) ?? [];
    ballotIndex.set(d.id, ballots.length);
    ballots.push(
      d.contest === 'DPD'
        ? freezeBallot(
            'DPD',
            d.id,
            [...cands]
              .sort((a, b) => a.number - b.number)
              .map((c) => ({
                id: String(c.number),
                kind: 'candidate',
                number: c.number,
                name: c.name,
              })),
          )
        : partyBallot(d.contest, d.id, cands, parties),
    );
  }

  // Each desa's ballot per contest: the dapil of its nearest member ancestor.
  const ballotOf = new Int32Array(desa.length * N_CONTESTS).fill(-1);
  for (let i = 0; i < desa.length; i++) {
    const code = desa[i]!;
    const up = areaAncestors(code); // kecamatan, kab/kota, provinsi, ID
    ballotOf[i * N_CONTESTS] = 0;
    for (let c = 1; c < N_CONTESTS; c++) {
      const contest = CONTEST_IDS[c]!;
      if (contest === 'DPRD_KABKOTA' && code.startsWith(NO_DPRD_KABKOTA_PROVINCE)) continue;
      const m = members.get(contest)!;
      let id: string | undefined;
      for (let k = 0; id === undefined && k < up.length; k++) id = m.get(up[k]!);
      if (id !== undefined) ballotOf[i * N_CONTESTS + c] = ballotIndex.get(id)!;
    }
  }
  const contestSets: ContestId[][] = [];
  for (let mask = 0; mask < 1 << N_CONTESTS; mask++)
    contestSets.push(Object.freeze(CONTEST_IDS.filter((_, c) => mask & (1 << c))) as ContestId[]);

  return {
    areas,
    children,
    desaIndex,
    desaCodes: [...desa],
    slotStart,
    dpt,
    tpsCount,
    ballotOf,
    ballots,
    dapil,
    members,
    parties: [...data.parties].sort((a, b) => a.number - b.number),
    pairs,
    contestSets,
    insideMemo: new Map(),
  };
}

export class Registry {
  #s: State;
  #db: Sql | undefined;
  #stamp = '';

  private constructor(state: State, db?: Sql) {
    this.#s = state;
    this.#db = db;
  }

  /** Reads the whole registry from the database (a few seconds at national scale). */
  static async load(db: Sql): Promise<Registry> {
    const [data, stamp] = await Promise.all([readElection(db), loadStamp(db)]);
    const r = new Registry(buildState(data), db);
    r.#stamp = stamp;
    return r;
  }

  /** An index over data held in memory (the generator's output, an import being checked). */
  static fromData(data: ElectionData): Registry {
    return new Registry(buildState(data));
  }

  /** Re-reads the database this registry was loaded from. */
  async reload(): Promise<void> {
    if (!this.#db) throw new Error('this registry was not loaded from a database');
    const [data, stamp] = await Promise.all([readElection(this.#db), loadStamp(this.#db)]);
    this.#s = buildState(data);
    this.#stamp = stamp;
  }

  /**
   * Reloads only if a dataset was loaded since (one small query on the
   * registry's log subjects). True if it reloaded.
   */
  async reloadIfChanged(): Promise<boolean> {
    if (!this.#db) return false;
    if ((await loadStamp(this.#db)) === this.#stamp) return false;
    await this.reload();
    return true;
  }

  /** The ballot of `contest` at `tps`; null for an unknown TPS or a contest not held there. */
  ballotFor(contest: ContestId, tps: string): Ballot | null {
    const s = this.#s;
    const c = contestIndex(contest);
    if (c < 0) return null;
    const d = this.#desaOf(tps);
    if (d < 0) return null;
    const b = s.ballotOf[d * N_CONTESTS + c]!;
    return b < 0 ? null : s.ballots[b]!;
  }

  hasTps(tps: string): boolean {
    return this.#desaOf(tps) >= 0;
  }

  /** Contests held at `tps`, in ballot order; empty for an unknown TPS. */
  contestsAt(tps: string): ContestId[] {
    const s = this.#s;
    const d = this.#desaOf(tps);
    if (d < 0) return s.contestSets[0]!;
    let mask = 0;
    for (let c = 0; c < N_CONTESTS; c++) if (s.ballotOf[d * N_CONTESTS + c]! >= 0) mask |= 1 << c;
    return s.contestSets[mask]!;
  }

  /** Registered voters (DPT) of a TPS. */
  dptOf(tps: string): number | undefined {
    const d = this.#desaOf(tps);
    return d < 0 ? undefined : this.#s.dpt[this.#s.slotStart[d]! + digits(tps, 10, 13) - 1];
  }

  get tpsCount(): number {
    return this.#s.tpsCount;
  }

  /** Direct children: provinces of 'ID', …, TPS codes of a desa. */
  children(code: string): string[] {
    const s = this.#s;
    if (typeof code !== 'string') return [];
    if (code.length === 10) {
      const d = s.desaIndex.get(digits(code, 0, 6), digits(code, 6, 10));
      if (d < 0) return [];
      const out: string[] = [];
      for (let k = s.slotStart[d]!; k < s.slotStart[d + 1]!; k++)
        if (s.dpt[k] !== NO_TPS) out.push(code + String(k - s.slotStart[d]! + 1).padStart(3, '0'));
      return out;
    }
    return [...(s.children.get(code) ?? [])];
  }

  /** Every TPS inside `code` (itself, for a TPS), in code order. */
  *tpsIn(code: string): Generator<string> {
    if (code.length === 13) {
      if (this.hasTps(code)) yield code;
      return;
    }
    if (code.length === 10) {
      yield* this.children(code);
      return;
    }
    for (const child of this.#s.children.get(code) ?? []) yield* this.tpsIn(child);
  }

  area(code: string): AreaInfo | undefined {
    if (typeof code !== 'string') return undefined;
    if (code.length === 13) {
      if (!this.hasTps(code)) return undefined;
      return { code, level: 'tps', name: tpsName(code), parent: parentArea(code) };
    }
    return this.#s.areas.get(code);
  }

  /** The dapil of `contest` that `areaCode` lies wholly inside, else null (always null for PPWP). */
  dapilOf(contest: ContestId, areaCode: string): string | null {
    if (contestIndex(contest) <= 0) return null;
    if (typeof areaCode !== 'string') return null;
    if (areaCode.length === 13) return this.ballotFor(contest, areaCode)?.dapil ?? null;
    if (!this.#s.areas.has(areaCode)) return null;
    return this.#inside(contest, areaCode);
  }

  dapils(contest: ContestId): DapilInfo[] {
    return [...this.#s.dapil.values()].filter((d) => d.contest === contest);
  }

  dapil(id: string): DapilInfo | undefined {
    return this.#s.dapil.get(id);
  }

  parties(): readonly PartyRow[] {
    return this.#s.parties;
  }

  pairs(): readonly PairRow[] {
    return this.#s.pairs;
  }

  #desaOf(tps: string): number {
    const s = this.#s;
    if (typeof tps !== 'string' || tps.length !== 13) return -1;
    const hi = digits(tps, 0, 6);
    const lo = digits(tps, 6, 10);
    const n = digits(tps, 10, 13);
    if (hi < 0 || lo < 0 || n < 1) return -1;
    const d = s.desaIndex.get(hi, lo);
    if (d < 0) return -1;
    const slot = s.slotStart[d]! + n - 1;
    if (slot >= s.slotStart[d + 1]! || s.dpt[slot] === NO_TPS) return -1;
    return d;
  }

  #inside(contest: ContestId, code: string): string | null {
    const s = this.#s;
    const m = s.members.get(contest)!;
    // Codes here are the registry's own (dapilOf looks the area up first).
    for (let c: string | null = code; c !== null && c !== NATIONAL_CODE; c = parentArea(c)) {
      const id = m.get(c);
      if (id !== undefined) return id;
    }
    // Above member level: inside a dapil only if every child is inside the same one.
    const key = `${contest}:${code}`;
    const memo = s.insideMemo.get(key);
    if (memo !== undefined) return memo;
    let out: string | null = null;
    const kids = code.length < 10 ? (s.children.get(code) ?? []) : [];
    if (kids.length > 0) {
      out = this.#inside(contest, kids[0]!);
      for (let i = 1; out !== null && i < kids.length; i++)
        if (this.#inside(contest, kids[i]!) !== out) out = null;
    }
    s.insideMemo.set(key, out);
    return out;
  }
}

// ---------------------------------------------------------------------------
// Reading the database

/** Version stamp of the registry: the latest log version of each dataset subject. */
async function loadStamp(db: Sql): Promise<string> {
  const rows = await db.query<{ subject: string; seq: number }>(
    'SELECT subject, max(seq) AS seq FROM subject_versions WHERE subject = ANY($1) GROUP BY subject ORDER BY subject',
    [DATASETS.map((d) => `registry:${d}`)],
  );
  return rows.map((r) => `${r.subject}=${r.seq}`).join(',');
}

/** The stored registry in the generator's shape. */
export async function readElection(db: Sql): Promise<ElectionData> {
  const areas = await db.query<AreaRow>(
    "SELECT code, level, parent, name FROM registry_areas WHERE code <> 'ID' ORDER BY code",
  );
  const tpsRows = await db.query<{ desa: string; numbers: number[]; dpts: number[] }>(
    `SELECT desa, array_agg(number ORDER BY number) AS numbers, array_agg(dpt ORDER BY number) AS dpts
       FROM registry_tps GROUP BY desa ORDER BY desa`,
  );
  const dapil = await db.query<DapilRow>(
    `SELECT d.id, d.contest, d.name, d.seats, d.region,
            coalesce(array_agg(a.area ORDER BY a.area) FILTER (WHERE a.area IS NOT NULL), '{}') AS areas
       FROM registry_dapil d LEFT JOIN registry_dapil_areas a ON a.dapil = d.id
      GROUP BY d.id ORDER BY d.id`,
  );
  const parties = await db.query<PartyRow>(
    'SELECT number, name, abbreviation, scope FROM registry_parties ORDER BY number',
  );
  const candidates = await db.query<CandidateRow>(
    'SELECT contest, dapil, party, number, name, sex FROM registry_candidates ORDER BY dapil, party, number',
  );
  const pairs = await db.query<PairRow>(
    'SELECT number, president, vice_president AS "vicePresident" FROM registry_pairs ORDER BY number',
  );
  return { areas, tps: tpsTableOf(tpsRows), dapil, parties, candidates, pairs };
}

function tpsTableOf(
  rows: readonly { desa: string; numbers: number[]; dpts: number[] }[],
): TpsTable {
  const count = new Uint16Array(rows.length);
  let slots = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    count[i] = r.numbers[r.numbers.length - 1]!;
    slots += count[i]!;
  }
  const dpt = new Uint16Array(slots).fill(NO_TPS);
  let base = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let k = 0; k < r.numbers.length; k++) dpt[base + r.numbers[k]! - 1] = r.dpts[k]!;
    base += count[i]!;
  }
  return { desa: rows.map((r) => r.desa), count, dpt };
}

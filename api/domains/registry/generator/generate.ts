/**
 * The demo-election generator: a whole registry, deterministic from a seed and
 * realistic in shape (see README.md "Demo elections").
 *
 * - `province`: DKI Jakarta (31) as it is down to kecamatan, two real kelurahan per
 *   kecamatan with 2–3 TPS each (~220 TPS), its real DPR dapil, 106 DPRD seats in 10
 *   dapil, no DPRD Kabupaten/Kota. Small enough for `npm start` on PGlite; holds the
 *   demo TPS 3171011001001.
 * - `national`: the 38 provinces with their Kemendagri codes and names and the
 *   exact 2024 totals — 514 kab/kota, 7,277 kecamatan, 83,731 desa, 823,220 TPS,
 *   204,807,222 voters, 580 DPR seats in 84 dapil — with synthetic names below the
 *   province (Jakarta keeps its real kab/kota and kecamatan).
 */
import {
  ACEH,
  type AreaRow,
  type CandidateRow,
  type DapilRow,
  type ElectionData,
  NO_DPRD_KABKOTA_PROVINCE,
  type PartyRow,
  RegistryError,
} from '../schemas.ts';
import { apportion, contiguousGroups } from './apportion.ts';
import { personName, placeName, roman, uniquePlaceName } from './names.ts';
import {
  JAKARTA,
  JAKARTA_DPR,
  JAKARTA_DPRD,
  NATIONAL_TOTALS,
  PAIRS_2024,
  PARTIES_2024,
  PROVINCES,
  type ProvinceFacts,
} from './provinces.ts';
import { Random } from './random.ts';

export type ElectionScale = 'province' | 'national';

export interface GenerateOptions {
  scale: ElectionScale;
  /** Same seed, same election, byte for byte. */
  seed: number | string;
}

export interface Election extends ElectionData {
  scale: ElectionScale;
  seed: number | string;
}

const LABEL = 'saksi/demo-election/v1';
/** Population per registered voter (Indonesia 2024: ~278 m people, 204.8 m DPT). */
const POPULATION_PER_VOTER = 1.36;

interface Desa {
  code: string;
  name: string;
  tps: number;
  dpt: number;
}
interface Kecamatan {
  code: string;
  name: string;
  desa: Desa[];
  dpt: number;
}
interface KabKota {
  code: string;
  name: string;
  kecamatan: Kecamatan[];
  dpt: number;
}
interface Province {
  code: string;
  name: string;
  facts: ProvinceFacts;
  kabkota: KabKota[];
  dpt: number;
}

export function generateElection(opts: GenerateOptions): Election {
  if (opts.scale !== 'province' && opts.scale !== 'national')
    throw new RegistryError('INVALID_OPTIONS', 'scale must be "province" or "national"');
  if (typeof opts.seed !== 'number' && typeof opts.seed !== 'string')
    throw new RegistryError('INVALID_OPTIONS', 'seed must be a number or a string');
  const stream = (name: string) => new Random(`${LABEL}/${opts.scale}/${name}`, opts.seed);
  const provinces =
    opts.scale === 'national'
      ? nationalGeography(stream('geography'))
      : jakartaOnly(stream('geography'));
  const tps = voters(provinces, opts.scale, stream('dpt'));
  const dapil = [
    ...dprDapil(provinces),
    ...provinces.map(dpdDapil),
    ...provinces.flatMap(dprdProvDapil),
    ...provinces.flatMap(dprdKabKotaDapil),
  ];
  const parties: PartyRow[] = PARTIES_2024.filter(
    (p) => opts.scale === 'national' || p.scope === 'ID',
  ).map((p) => ({ ...p }));
  const candidates = makeCandidates(provinces, dapil, parties, stream('candidates'));
  return {
    scale: opts.scale,
    seed: opts.seed,
    areas: areaRows(provinces),
    tps,
    dapil,
    parties,
    candidates,
    pairs: PAIRS_2024.map((p) => ({ ...p })),
  };
}

// ---------------------------------------------------------------------------
// Geography

function jakartaOnly(rng: Random): Province[] {
  const facts = PROVINCES.find((p) => p.code === NO_DPRD_KABKOTA_PROVINCE)!;
  return [
    {
      code: facts.code,
      name: facts.name,
      facts,
      dpt: 0,
      kabkota: JAKARTA.map((k) => ({
        code: k.code,
        name: k.name,
        dpt: 0,
        kecamatan: k.kecamatan.map((kec) => ({
          code: kec.code,
          name: kec.name,
          dpt: 0,
          desa: kec.kelurahan.map((name, i) => ({
            code: `${kec.code}${1001 + i}`,
            name,
            tps: rng.int(2, 3),
            dpt: 0,
          })),
        })),
      })),
    },
  ];
}

function nationalGeography(rng: Random): Province[] {
  const T = NATIONAL_TOTALS;
  const jakarta = PROVINCES.find((p) => p.code === NO_DPRD_KABKOTA_PROVINCE)!;
  const jakartaKec = JAKARTA.reduce((s, k) => s + k.kecamatan.length, 0);
  const others = PROVINCES.filter((p) => p !== jakarta);
  const nKab = (p: ProvinceFacts) => p.kabupaten + p.kota;
  // Jakarta keeps its 44 real kecamatan and 267 kelurahan; the rest share the remainder.
  const kecOthers = apportion(
    T.kecamatan - jakartaKec,
    others.map((p) => p.kecamatan),
    0,
  );
  const kecOf = new Map(others.map((p, i) => [p.code, Math.max(kecOthers[i]!, 2 * nKab(p))]));
  kecOf.set(jakarta.code, jakartaKec);
  fixSum(
    kecOf,
    T.kecamatan,
    others.map((p) => p.code),
    (code) => 2 * nKab(findFacts(code)),
  );
  const desaOthers = apportion(
    T.desa - jakarta.desa,
    others.map((p) => p.desa),
  );
  const desaOf = new Map(
    others.map((p, i) => [p.code, Math.max(desaOthers[i]!, kecOf.get(p.code)!)]),
  );
  desaOf.set(jakarta.code, jakarta.desa);
  fixSum(
    desaOf,
    T.desa,
    others.map((p) => p.code),
    (code) => kecOf.get(code)!,
  );
  const tpsOf = apportion(
    T.tps,
    PROVINCES.map((p) => p.tps),
  );

  const kabNames = new Set<string>();
  return PROVINCES.map((facts, pi) => {
    const isJakarta = facts === jakarta;
    // Kab/kota: kabupaten numbered 01…, kota 71… (the Kemendagri convention).
    const kabs: { code: string; name: string; kota: boolean }[] = isJakarta
      ? JAKARTA.map((k) => ({ code: k.code, name: k.name, kota: k.code >= '3171' }))
      : [
          ...range(facts.kabupaten).map((i) => ({
            code: facts.code + pad(i + 1, 2),
            name: uniquePlaceName(rng, kabNames, 'Kabupaten '),
            kota: false,
          })),
          ...range(facts.kota).map((i) => ({
            code: facts.code + pad(71 + i, 2),
            name: uniquePlaceName(rng, kabNames, 'Kota '),
            kota: true,
          })),
        ];
    const kecCounts = isJakarta
      ? JAKARTA.map((k) => k.kecamatan.length)
      : apportion(
          kecOf.get(facts.code)!,
          kabs.map((k) => rng.weight(0.5) * (k.kota ? 0.5 : 1)),
          2,
        );
    const kecamatan = kabs.map((k, ki) =>
      range(kecCounts[ki]!).map((i) => {
        const real = isJakarta ? JAKARTA[ki]!.kecamatan[i]! : undefined;
        return {
          code: real?.code ?? k.code + pad(i + 1, 2),
          name: real?.name ?? placeName(rng),
          kota: k.kota,
        };
      }),
    );
    const allKec = kecamatan.flat();
    const desaCounts = apportion(
      desaOf.get(facts.code)!,
      allKec.map((k) => rng.weight(0.6) * (k.kota ? 0.6 : 1)),
      isJakarta ? 2 : 1,
    );
    const desaLists = allKec.map((k, i) =>
      range(desaCounts[i]!).map((j) => {
        // Kelurahan (1xxx) in a kota and in a kabupaten's first kecamatan (its
        // capital), desa (2xxx) elsewhere.
        const kelurahan = k.kota || k.code.endsWith('01');
        const realName = isJakarta ? jakartaKelurahan(k.code, j) : undefined;
        return {
          code: k.code + String((kelurahan ? 1001 : 2001) + j),
          name: realName ?? placeName(rng),
          kelurahan,
        };
      }),
    );
    const allDesa = desaLists.flat();
    const tpsCounts = apportion(
      tpsOf[pi]!,
      allDesa.map((d) => rng.weight(0.6) * (d.kelurahan ? 2 : 1)),
      1,
      999,
    );
    let di = 0;
    let ki = 0;
    return {
      code: facts.code,
      name: facts.name,
      facts,
      dpt: 0,
      kabkota: kabs.map((k, kabIndex) => ({
        code: k.code,
        name: k.name,
        dpt: 0,
        kecamatan: kecamatan[kabIndex]!.map((kec) => ({
          code: kec.code,
          name: kec.name,
          dpt: 0,
          desa: desaLists[ki++]!.map((d) => ({
            code: d.code,
            name: d.name,
            tps: tpsCounts[di++]!,
            dpt: 0,
          })),
        })),
      })),
    };
  });
}

function jakartaKelurahan(kecCode: string, i: number): string | undefined {
  for (const k of JAKARTA)
    for (const kec of k.kecamatan) if (kec.code === kecCode) return kec.kelurahan[i];
  return undefined;
}

function findFacts(code: string): ProvinceFacts {
  return PROVINCES.find((p) => p.code === code)!;
}

/** After raising some entries to their minimum, takes the excess back from the largest others. */
function fixSum(
  m: Map<string, number>,
  total: number,
  adjustable: readonly string[],
  minOf: (code: string) => number,
): void {
  let excess = [...m.values()].reduce((s, v) => s + v, 0) - total;
  while (excess > 0) {
    const code = [...adjustable].sort((a, b) => m.get(b)! - minOf(b) - (m.get(a)! - minOf(a)))[0]!;
    m.set(code, m.get(code)! - 1);
    excess--;
  }
}

function areaRows(provinces: readonly Province[]): AreaRow[] {
  const out: AreaRow[] = [];
  for (const p of provinces) {
    out.push({ code: p.code, level: 'provinsi', parent: 'ID', name: p.name });
    for (const k of p.kabkota) {
      out.push({ code: k.code, level: 'kabkota', parent: p.code, name: k.name });
      for (const kec of k.kecamatan) {
        out.push({ code: kec.code, level: 'kecamatan', parent: k.code, name: kec.name });
        for (const d of kec.desa)
          out.push({ code: d.code, level: 'desa', parent: kec.code, name: d.name });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Voters

/**
 * DPT per TPS: around the national mean (≤ 300 each), then nudged one voter at a
 * time until the national total is exact. Also sums DPT up the tree.
 */
function voters(provinces: Province[], scale: ElectionScale, rng: Random) {
  const desa: Desa[] = [];
  for (const p of provinces)
    for (const k of p.kabkota) for (const kec of k.kecamatan) desa.push(...kec.desa);
  const n = desa.reduce((s, d) => s + d.tps, 0);
  const count = new Uint16Array(desa.map((d) => d.tps));
  const dpt = new Uint16Array(n);
  const mean = scale === 'national' ? NATIONAL_TOTALS.dpt / n : 245;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    dpt[i] = Math.max(1, Math.min(300, Math.round(mean + (rng.float() - 0.5) * 100)));
    sum += dpt[i]!;
  }
  if (scale === 'national') {
    let diff = NATIONAL_TOTALS.dpt - sum;
    // A stride coprime with n visits every TPS once per round, in a scattered order.
    const stride = 7_919;
    for (let i = rng.int(0, n - 1); diff !== 0; i = (i + stride) % n) {
      const step = Math.sign(diff);
      const v = dpt[i]! + step;
      if (v >= 150 && v <= 300) {
        dpt[i] = v;
        diff -= step;
      }
    }
  }
  let slot = 0;
  for (const d of desa) for (let k = 0; k < d.tps; k++) d.dpt += dpt[slot++]!;
  for (const p of provinces) {
    for (const k of p.kabkota) {
      for (const kec of k.kecamatan) {
        kec.dpt = kec.desa.reduce((s, d) => s + d.dpt, 0);
        k.dpt += kec.dpt;
      }
      p.dpt += k.dpt;
    }
  }
  return { desa: desa.map((d) => d.code), count, dpt };
}

// ---------------------------------------------------------------------------
// Dapil

function dprDapil(provinces: readonly Province[]): DapilRow[] {
  const out: DapilRow[] = [];
  for (const p of provinces) {
    const label = p.name.toUpperCase();
    const plans =
      p.code === NO_DPRD_KABKOTA_PROVINCE
        ? JAKARTA_DPR.map((d) => ({ seats: d.seats, areas: [...d.areas] }))
        : p.facts.dprDapil === 1
          ? [{ seats: p.facts.dprSeats, areas: [p.code] }]
          : grouped(p.kabkota, p.facts.dprDapil, p.facts.dprSeats, 3, 10).map((g) => ({
              seats: g.seats,
              areas: g.units.map((k) => k.code),
            }));
    for (const [i, d] of plans.entries())
      out.push({
        id: `DPR-${p.code}-${i + 1}`,
        contest: 'DPR',
        name: plans.length === 1 ? label : `${label} ${roman(i + 1)}`,
        seats: d.seats,
        region: p.code,
        areas: d.areas.sort(),
      });
  }
  return out;
}

function dpdDapil(p: Province): DapilRow {
  return {
    id: `DPD-${p.code}`,
    contest: 'DPD',
    name: p.name,
    seats: 4,
    region: p.code,
    areas: [p.code],
  };
}

function dprdProvDapil(p: Province): DapilRow[] {
  const seats = p.code === NO_DPRD_KABKOTA_PROVINCE ? JAKARTA_DPRD.seats : p.facts.dprdSeats;
  const k =
    p.code === NO_DPRD_KABKOTA_PROVINCE
      ? JAKARTA_DPRD.dapil
      : clamp(Math.round(seats / 7.88), Math.ceil(seats / 12), Math.floor(seats / 3));
  // Kab/kota as building blocks, or kecamatan where there are too few kab/kota
  // (Jakarta); a group holding all of a kab/kota's kecamatan names the kab/kota.
  const byKab = p.kabkota.length >= k;
  const units: readonly { code: string; dpt: number }[] = byKab
    ? p.kabkota
    : p.kabkota.flatMap((kab) => kab.kecamatan);
  return grouped(units, k, seats, 3, 12).map((g, i) => ({
    id: `DPRD_PROV-${p.code}-${i + 1}`,
    contest: 'DPRD_PROV',
    name: `${p.name.toUpperCase()} ${i + 1}`,
    seats: g.seats,
    region: p.code,
    areas: byKab
      ? g.units.map((u) => u.code)
      : compact(
          g.units.map((u) => u.code),
          p,
        ),
  }));
}

/** DPRD Kabupaten/Kota seats by population (UU 7/2017 Art. 191(2)). */
export function dprdKabKotaSeats(population: number): number {
  const brackets: [number, number][] = [
    [100_000, 20],
    [200_000, 25],
    [300_000, 30],
    [400_000, 35],
    [500_000, 40],
    [1_000_000, 45],
    [3_000_000, 50],
  ];
  for (const [upTo, seats] of brackets) if (population <= upTo) return seats;
  return 55;
}

function dprdKabKotaDapil(p: Province): DapilRow[] {
  if (p.code === NO_DPRD_KABKOTA_PROVINCE) return [];
  return p.kabkota.flatMap((kab) => {
    const nKec = kab.kecamatan.length;
    const seats = Math.min(dprdKabKotaSeats(kab.dpt * POPULATION_PER_VOTER), 12 * nKec);
    const k = clamp(
      Math.round(seats / 7.53),
      Math.ceil(seats / 12),
      Math.min(Math.floor(seats / 3), nKec),
    );
    return grouped(kab.kecamatan, k, seats, 3, 12).map((g, i) => ({
      id: `DPRD_KABKOTA-${kab.code}-${i + 1}`,
      contest: 'DPRD_KABKOTA' as const,
      name: `${kab.name.toUpperCase()} ${i + 1}`,
      seats: g.seats,
      region: kab.code,
      areas: g.units.map((u) => u.code),
    }));
  });
}

/** Contiguous groups of units of balanced DPT, seats shared by DPT within bounds. */
function grouped<U extends { code: string; dpt: number }>(
  units: readonly U[],
  k: number,
  seats: number,
  min: number,
  max: number,
): { units: U[]; seats: number }[] {
  const groups = contiguousGroups(
    units.map((u) => u.dpt),
    k,
  );
  const weights = groups.map(([a, b]) => units.slice(a, b).reduce((s, u) => s + u.dpt, 0));
  const shares = apportion(seats, weights, min, max);
  return groups.map(([a, b], i) => ({ units: units.slice(a, b), seats: shares[i]! }));
}

/** Kecamatan codes, with every kab/kota whose kecamatan are all present replaced by its code. */
function compact(codes: string[], p: Province): string[] {
  const set = new Set(codes);
  const out: string[] = [];
  for (const kab of p.kabkota) {
    const inside = kab.kecamatan.filter((k) => set.has(k.code));
    if (inside.length === 0) continue;
    if (inside.length === kab.kecamatan.length) out.push(kab.code);
    else out.push(...inside.map((k) => k.code));
  }
  return out.sort();
}

// ---------------------------------------------------------------------------
// Candidates

/**
 * DPR/DPRD: each party fields a list in most dapil, usually a full one (list ≤
 * seats, Art. 244), at least 30% women and one in every three positions
 * (Art. 245–246). DPD: 10–50 individuals per province, more in larger ones.
 * Aceh's local parties stand for its DPRA and DPRK only.
 */
function makeCandidates(
  provinces: readonly Province[],
  dapil: readonly DapilRow[],
  parties: readonly PartyRow[],
  rng: Random,
): CandidateRow[] {
  const out: CandidateRow[] = [];
  const dptOf = new Map(provinces.map((p) => [p.code, p.dpt]));
  for (const d of dapil) {
    if (d.contest === 'DPD') {
      const n = Math.min(50, 10 + rng.int(0, 9) + Math.floor(dptOf.get(d.region)! / 1_500_000));
      for (let i = 1; i <= n; i++) {
        const sex = rng.chance(0.2) ? 'P' : 'L';
        out.push({
          contest: 'DPD',
          dapil: d.id,
          party: null,
          number: i,
          name: personName(rng, sex),
          sex,
        });
      }
      continue;
    }
    const local = d.contest !== 'DPR' && d.region.startsWith(ACEH);
    for (const p of parties) {
      if (p.scope !== 'ID' && !local) continue;
      const r = rng.float();
      const length = r < 0.03 ? 0 : r < 0.12 ? rng.int(1, d.seats - 1) : d.seats;
      const sexes = listSexes(length, rng);
      for (let i = 0; i < length; i++)
        out.push({
          contest: d.contest,
          dapil: d.id,
          party: p.number,
          number: i + 1,
          name: personName(rng, sexes[i]!),
          sex: sexes[i]!,
        });
    }
  }
  return out;
}

/** One woman in each run of three positions (so ≥ ⌈n/3⌉ ≥ ⌈0.3 n⌉), a few more at random. */
function listSexes(n: number, rng: Random): ('L' | 'P')[] {
  const out: ('L' | 'P')[] = [];
  for (let start = 0; start < n; start += 3) {
    const size = Math.min(3, n - start);
    const woman = rng.int(0, size - 1);
    for (let i = 0; i < size; i++) out.push(i === woman || rng.chance(0.12) ? 'P' : 'L');
  }
  return out;
}

// ---------------------------------------------------------------------------

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

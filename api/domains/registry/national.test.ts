// National scale without a database (loading 823,220 TPS belongs to the benchmark
// script, not the suite): the generator's output has the 2024 shape and passes
// every registry rule, and the in-memory Registry answers for it quickly and
// without building an object per TPS.
import { describe, expect, it } from 'vitest';
import { NATIONAL_TOTALS, PROVINCES } from './generator/provinces.ts';
import {
  type CandidateRow,
  CONTEST_IDS,
  checkElection,
  type Election,
  generateElection,
  Registry,
} from './index.ts';

const national = generateElection({ scale: 'national', seed: 2024 });

function count<T>(rows: readonly T[], key: (r: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
}

function lists(e: Election): CandidateRow[][] {
  const m = new Map<string, CandidateRow[]>();
  for (const c of e.candidates) {
    if (c.party === null) continue;
    const k = `${c.dapil}/${c.party}`;
    const list = m.get(k);
    if (list) list.push(c);
    else m.set(k, [c]);
  }
  return [...m.values()];
}

describe('generateElection national', () => {
  it('has the 2024 area, TPS and voter totals', () => {
    expect(count(national.areas, (a) => a.level)).toEqual({
      provinsi: 38,
      kabkota: 514,
      kecamatan: 7_277,
      desa: 83_731,
    });
    expect(national.tps.dpt.length).toBe(NATIONAL_TOTALS.tps);
    expect(national.tps.dpt.reduce((s, d) => s + d, 0)).toBe(NATIONAL_TOTALS.dpt);
    expect(national.tps.dpt.every((d) => d >= 1 && d <= 300)).toBe(true);
    expect(national.tps.count.every((n) => n >= 1 && n <= 999)).toBe(true);
  });

  it('has 84 DPR dapil with 580 seats, DPRD dapil of 3–12 seats, one 4-seat DPD dapil per province', () => {
    const dpr = national.dapil.filter((d) => d.contest === 'DPR');
    expect(dpr).toHaveLength(84);
    expect(dpr.reduce((s, d) => s + d.seats, 0)).toBe(580);
    for (const d of dpr) expect(d.seats).toBeGreaterThanOrEqual(3);
    for (const d of dpr) expect(d.seats).toBeLessThanOrEqual(10);
    const dprd = national.dapil.filter((d) => d.contest.startsWith('DPRD'));
    for (const d of dprd) expect([d.seats >= 3, d.seats <= 12]).toEqual([true, true]);
    expect(
      national.dapil.filter((d) => d.contest === 'DPRD_PROV').reduce((s, d) => s + d.seats, 0),
    ).toBe(2_372);
    const dpd = national.dapil.filter((d) => d.contest === 'DPD');
    expect(dpd.map((d) => d.region).sort()).toEqual(PROVINCES.map((p) => p.code).sort());
    expect(dpd.every((d) => d.seats === 4)).toBe(true);
    expect(
      national.dapil.some((d) => d.contest === 'DPRD_KABKOTA' && d.region.startsWith('31')),
    ).toBe(false);
  });

  it('has 18 national and 6 Aceh parties, 3 pairs, and realistic candidate counts', () => {
    expect(count(national.parties, (p) => p.scope)).toEqual({ ID: 18, '11': 6 });
    expect(national.pairs.map((p) => p.number)).toEqual([1, 2, 3]);
    const byContest = count(national.candidates, (c) => c.contest);
    // 2024: 9,917 DPR and 668 DPD candidates.
    expect(byContest.DPR).toBeGreaterThan(9_000);
    expect(byContest.DPR).toBeLessThan(10_440);
    expect(byContest.DPD).toBeGreaterThan(500);
    expect(byContest.DPD).toBeLessThan(900);
    const local = national.candidates.filter(
      (c) => c.party !== null && c.party >= 18 && c.party <= 23,
    );
    expect(local.length).toBeGreaterThan(0);
    expect(local.every((c) => c.contest !== 'DPR' && c.dapil.includes('-11'))).toBe(true);
  });

  it('keeps every list within the seats, ≥30% women (rounded up) and a woman in every three', () => {
    const seats = new Map(national.dapil.map((d) => [d.id, d.seats]));
    const bad: string[] = [];
    for (const list of lists(national)) {
      const where = `${list[0]!.dapil}/${list[0]!.party}`;
      if (list.length > seats.get(list[0]!.dapil)!) bad.push(`${where}: too long`);
      const women = list.filter((c) => c.sex === 'P').length;
      if (women < Math.ceil(0.3 * list.length)) bad.push(`${where}: ${women} women`);
      for (let i = 0; i < list.length; i += 3)
        if (!list.slice(i, i + 3).some((c) => c.sex === 'P'))
          bad.push(`${where}: no woman at ${i + 1}`);
    }
    expect(bad).toEqual([]);
  });

  it('passes every registry rule (coverage, overlaps, numbering, local parties)', () => {
    expect(checkElection(national)).toEqual([]);
  });
});

describe('Registry at national scale', () => {
  const reg = Registry.fromData(national);

  it('knows every TPS, its DPT and its contests (four in Jakarta)', () => {
    expect(reg.tpsCount).toBe(NATIONAL_TOTALS.tps);
    let dpt = 0;
    let n = 0;
    const contests: Record<number, number> = {};
    for (const desa of national.tps.desa)
      for (const tps of reg.children(desa)) {
        n++;
        dpt += reg.dptOf(tps)!;
        const k = reg.contestsAt(tps).length;
        contests[k] = (contests[k] ?? 0) + 1;
      }
    expect(n).toBe(NATIONAL_TOTALS.tps);
    expect(dpt).toBe(NATIONAL_TOTALS.dpt);
    const jakarta = [...reg.tpsIn('31')].length;
    expect(contests).toEqual({ 4: jakarta, 5: NATIONAL_TOTALS.tps - jakarta });
  });

  it('shares one ballot per dapil and answers ballotFor without allocating per call', () => {
    const [a, b] = reg.children(national.tps.desa[0]!);
    for (const c of CONTEST_IDS) expect(reg.ballotFor(c, a!)).toBe(reg.ballotFor(c, b!));
    const codes = national.tps.desa.slice(0, 2_000).map((d) => `${d}001`);
    let found = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let round = 0; round < 100; round++)
      for (const code of codes) if (reg.ballotFor('DPR', code) !== null) found++;
    const perCall = ((performance.now() - started) * 1e3) / (100 * codes.length);
    expect(found).toBe(100 * codes.length);
    // 200,000 look-ups: a few µs each at worst on a loaded machine (≈0.1 µs idle).
    expect(perCall).toBeLessThan(5);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 << 20);
  });

  it('finds the dapil an area lies wholly inside', () => {
    const single = PROVINCES.find((p) => p.dprDapil === 1)!;
    expect(reg.dapilOf('DPR', single.code)).toBe(`DPR-${single.code}-1`);
    expect(reg.dapilOf('DPR', '32')).toBeNull(); // Jawa Barat has 11
    expect(reg.dapilOf('DPR', '3175')).toBe('DPR-31-1'); // Jakarta Timur is DKI I
    expect(reg.dapilOf('DPD', '3175011001')).toBe('DPD-31');
    expect(reg.dapilOf('DPRD_KABKOTA', '3175')).toBeNull();
    expect(reg.dapilOf('PPWP', '31')).toBeNull();
  });
});

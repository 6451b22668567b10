// The rule for sudden jumps in published totals (jumps.ts, docs/portal.md):
// a normal progression is not a jump; votes out of proportion to the TPS newly
// included, a share that moves more than the new TPS could move it, and a fall
// with no correction behind it are — and a fall a correction explains is not;
// and the areas a page checks (scope.ts).
import { describe, expect, it } from 'vitest';
import type { TpsRow } from './anomalies.ts';
import {
  explainDecreases,
  JUMP_FACTOR,
  JUMP_MIN_VOTES,
  type JumpReader,
  median,
  type RecapListing,
  type RecapVersion,
  SHARE_MIN_POINTS,
  stepJumps,
  tpsMedian,
} from './jumps.ts';
import { findJumps, jumpsSection } from './jumps-section.ts';
import { jumpScope } from './scope.ts';

let nextIndex = 100;
const v = (seq: number, accepted: number, votes: Record<string, number>): RecapVersion => {
  const valid = Object.values(votes).reduce((a, b) => a + b, 0);
  return {
    seq,
    index: nextIndex++,
    entryHash: `h${seq}`,
    valid,
    invalid: 0,
    votes,
    tps: { accepted, flagged: 0 },
  };
};

/** TPS of about 200 valid votes, shared about 50/30/20, one or two at a time. */
const normal = (): RecapVersion[] => [
  v(1, 1, { '1': 101, '2': 59, '3': 40 }),
  v(2, 2, { '1': 196, '2': 122, '3': 82 }),
  v(3, 4, { '1': 405, '2': 236, '3': 161 }),
  v(4, 5, { '1': 497, '2': 300, '3': 203 }),
  v(5, 7, { '1': 701, '2': 420, '3': 281 }),
];

describe('the jump rule', () => {
  it('medians', () => {
    expect(median([])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const rows: TpsRow[] = [
      {
        tps: '3171011001001',
        desa: '3171011001',
        status: 'accepted',
        valid: 200,
        invalid: 0,
        votes: {},
      },
      {
        tps: '3171011001002',
        desa: '3171011001',
        status: 'accepted',
        valid: 180,
        invalid: 0,
        votes: {},
      },
      {
        tps: '3171011001003',
        desa: '3171011001',
        status: 'flagged',
        valid: 9000,
        invalid: 0,
        votes: {},
      },
      {
        tps: '3172011001001',
        desa: '3172011001',
        status: 'accepted',
        valid: 100,
        invalid: 0,
        votes: {},
      },
    ];
    expect(tpsMedian(rows, '3171')).toBe(190);
    expect(tpsMedian(rows, 'ID')).toBe(180);
  });

  it('finds nothing in a normal progression', () => {
    expect(stepJumps('31', normal(), 200)).toEqual([]);
  });

  it('finds votes added far beyond the median TPS for the forms newly included', () => {
    const h = normal();
    // One new TPS brings 1,900 valid votes, 1,800 of them for choice 1.
    h.push(v(6, 8, { '1': 2501, '2': 470, '3': 331 }));
    const [j, ...rest] = stepJumps('31', h, 200);
    expect(rest).toEqual([]);
    expect(j!.prev.seq).toBe(5);
    expect(j!.next.seq).toBe(6);
    expect(j!.newTps).toBe(1);
    const votes = j!.reasons.filter((r) => r.kind === 'votes').map((r) => r.key);
    expect(votes).toEqual(['valid', '1']);
    expect(j!.reasons.find((r) => r.key === 'valid')!.limit).toBe(JUMP_FACTOR * 200);
    // And the share of 1 moved from 50% to 76% (> 1.5 × 100 × 1/8 = 18.75 points);
    // those of 2 and 3 fell by 16 and 10 points, within that bound.
    const share = j!.reasons.filter((r) => r.kind === 'share');
    expect(share.map((r) => r.key)).toEqual(['1']);
    expect(share[0]!.limit).toBeCloseTo(18.75);
  });

  it('weighs the votes against the number of new TPS, and ignores small steps', () => {
    const h = normal();
    // Ten new TPS of 200: 2,000 votes, in proportion.
    h.push(v(6, 17, { '1': 1701, '2': 1020, '3': 681 }));
    expect(stepJumps('31', h, 200)).toEqual([]);
    // A correction (no new TPS) adding 90 votes: under JUMP_MIN_VOTES, and the share
    // moves less than SHARE_MIN_POINTS.
    const c = normal();
    c.push(v(6, 7, { '1': 791, '2': 420, '3': 281 }));
    expect(90).toBeLessThan(JUMP_MIN_VOTES);
    const j = stepJumps('31', c, 200);
    expect(j.flatMap((x) => x.reasons.map((r) => r.kind))).toEqual(['share']);
    expect(j[0]!.reasons[0]!.limit).toBe(SHARE_MIN_POINTS);
  });

  it('lists every fall for explaining', () => {
    const h = normal();
    h.push(v(6, 7, { '1': 650, '2': 420, '3': 281 }));
    const [j] = stepJumps('31', h, 200);
    expect(j!.reasons.filter((r) => r.kind === 'decrease').map((r) => r.key)).toEqual([
      'valid',
      '1',
    ]);
  });
});

/** A log of recap listings and TPS versions, as the public routes give them. */
function world() {
  const histories = new Map<string, RecapVersion[]>();
  const entries = new Map<number, { node: string; seq: number; listing: RecapListing }>();
  const corrections = new Set<string>();
  const publish = (
    node: string,
    accepted: number,
    children: { code: string; seq: number; valid: number; votes: number[]; status?: 'flagged' }[],
  ) => {
    const h = histories.get(node) ?? [];
    const counted = children.filter((c) => c.status !== 'flagged');
    const version = v(h.length + 1, accepted, {
      '1': counted.reduce((a, c) => a + c.votes[0]!, 0),
      '2': counted.reduce((a, c) => a + c.votes[1]!, 0),
    });
    h.push(version);
    histories.set(node, h);
    entries.set(version.index!, {
      node,
      seq: version.seq,
      listing: {
        choices: ['1', '2'],
        children: children.map((c) => ({
          ...c,
          status: c.status ?? (c.code.length === 13 ? 'accepted' : undefined),
        })),
      },
    });
    return version;
  };
  const reader: JumpReader = {
    history: async (_c, node) => histories.get(node) ?? null,
    recapEntry: async (index, node, seq) => {
      const e = entries.get(index);
      return e && e.node === node && e.seq === seq ? e.listing : null;
    },
    isCorrection: async (_c, tps, seq) => corrections.has(`${tps}:${seq}`),
  };
  return { histories, publish, reader, corrections };
}

const A = '3171011001001';
const B = '3171011001002';

describe('explaining a fall', () => {
  it('a correction of a TPS form explains it, up through the areas', async () => {
    const w = world();
    w.publish('3171011001', 2, [
      { code: A, seq: 1, valid: 200, votes: [120, 80] },
      { code: B, seq: 1, valid: 200, votes: [100, 100] },
    ]);
    w.publish('317101', 2, [{ code: '3171011001', seq: 1, valid: 400, votes: [220, 180] }]);
    // A's form is corrected: choice 1 falls by 30 (and the sum with it).
    w.corrections.add(`${A}:2`);
    w.publish('3171011001', 2, [
      { code: A, seq: 2, valid: 170, votes: [90, 80] },
      { code: B, seq: 1, valid: 200, votes: [100, 100] },
    ]);
    w.publish('317101', 2, [{ code: '3171011001', seq: 2, valid: 370, votes: [190, 180] }]);
    for (const node of ['3171011001', '317101']) {
      const found = stepJumps(node, w.histories.get(node)!, 200);
      expect(found[0]!.reasons.some((r) => r.kind === 'decrease')).toBe(true);
      const left = await explainDecreases(w.reader, 'PPWP', found);
      expect(left.flatMap((j) => j.reasons.filter((r) => r.kind === 'decrease'))).toEqual([]);
    }
  });

  it('a fall with no correction, a child gone, or a new version that is no correction stays', async () => {
    const w = world();
    w.publish('3171011001', 2, [
      { code: A, seq: 1, valid: 200, votes: [120, 80] },
      { code: B, seq: 1, valid: 200, votes: [100, 100] },
    ]);
    // The same version of A, with fewer votes for 1: no new form explains it.
    w.publish('3171011001', 2, [
      { code: A, seq: 1, valid: 150, votes: [70, 80] },
      { code: B, seq: 1, valid: 200, votes: [100, 100] },
    ]);
    // B vanishes from the listing.
    w.publish('3171011001', 1, [{ code: A, seq: 1, valid: 150, votes: [70, 80] }]);
    // A moves to version 2, which is not a correction.
    w.publish('3171011001', 1, [{ code: A, seq: 2, valid: 100, votes: [20, 80] }]);
    const found = stepJumps('3171011001', w.histories.get('3171011001')!, 200);
    const left = await explainDecreases(w.reader, 'PPWP', found);
    const falls = left.map((j) => ({
      to: j.next.seq,
      why: j.reasons.filter((r) => r.kind === 'decrease' && r.key === '1').flatMap((r) => r.why),
    }));
    expect(falls).toEqual([
      { to: 2, why: [`${A} v1 fell from 120 to 70 without a new version`] },
      { to: 3, why: [`${B} v1 is no longer listed`] },
      { to: 4, why: [`TPS ${A} v2 is not a correction`] },
    ]);
    expect(
      left.every((j) => j.reasons.every((r) => r.kind !== 'decrease' || r.explained === false)),
    ).toBe(true);
  });

  it('an area whose child did not fall, or whose entry is not its recap, is not explained', async () => {
    const w = world();
    w.publish('317101', 2, [{ code: '3171011001', seq: 1, valid: 400, votes: [220, 180] }]);
    const second = w.publish('317101', 2, [
      { code: '3171011001', seq: 1, valid: 400, votes: [220, 180] },
    ]);
    // The published totals say 1 fell; the listing says nothing did.
    second.votes['1'] = 200;
    const found = stepJumps('317101', w.histories.get('317101')!, 200);
    const [j] = await explainDecreases(w.reader, 'PPWP', found);
    expect(j!.reasons.find((r) => r.kind === 'decrease')!.why).toEqual([
      "317101: no listed child's 1 fell, yet the total did",
    ]);
    // An index pointing at another node's entry.
    const other = { ...found[0]!, node: '317102' };
    const [k] = await explainDecreases(w.reader, 'PPWP', [other]);
    expect(k!.reasons.find((r) => r.kind === 'decrease')!.why![0]).toMatch(/is not its recap/);
  });
});

// The anomalies page's scope (scope.ts): a page checks its area and the whole
// levels below it that fit, and links to the pages of the areas it did not
// reach, so a jump deep in the country is found on a page the nation's links to.
describe('the scope of a page', () => {
  const row = (tps: string, valid: number): TpsRow => ({
    tps,
    desa: tps.slice(0, 10),
    status: 'accepted',
    valid,
    invalid: 0,
    votes: {},
  });
  const C = '3171011001003';
  const D = '3201011001001';
  const rows = [row(A, 200), row(B, 200), row(C, 2000), row(D, 200)];
  const ctx = { lang: 'id' as const, verifierKey: 'k', witnesses: [], path: '/' };

  it('checks whole levels while they fit, the children always, and says where the rest is', () => {
    expect(jumpScope(rows, 'ID')).toEqual({
      area: 'ID',
      levels: [
        ['ID'],
        ['31', '32'],
        ['3171', '3201'],
        ['317101', '320101'],
        ['3171011001', '3201011001'],
      ],
      continueAt: [],
    });
    const small = jumpScope(rows, 'ID', 4);
    expect(small.levels).toEqual([['ID'], ['31', '32']]);
    expect(small.continueAt).toEqual([
      { area: '31', below: 3 },
      { area: '32', below: 3 },
    ]);
    // The children even past the bound: the page of an area always reaches further.
    expect(jumpScope(rows, 'ID', 1).levels).toEqual([['ID'], ['31', '32']]);
    expect(jumpScope(rows, '31', 4).levels.flat()).toEqual(['31', '3171', '317101', '3171011001']);
    expect(jumpScope(rows, '3171011001', 1)).toEqual({
      area: '3171011001',
      levels: [['3171011001']],
      continueAt: [],
    });
    expect(jumpScope(rows, '3172', 4)).toEqual({
      area: '3172',
      levels: [['3172']],
      continueAt: [],
    });
    // Walking the links from the nation checks every area on some page.
    const checked = new Set<string>();
    const walk = (area: string) => {
      const s = jumpScope(rows, area, 4);
      for (const a of s.levels.flat()) checked.add(a);
      for (const c of s.continueAt) walk(c.area);
    };
    walk('ID');
    expect([...checked].sort()).toEqual(jumpScope(rows, 'ID').levels.flat().sort());
  });

  it("finds a jump outside the nation page's bound on the child's page, which the nation's links to", async () => {
    const w = world();
    w.publish('ID', 1, [{ code: '31', seq: 1, valid: 200, votes: [120, 80] }]);
    w.publish('3171011001', 1, [{ code: A, seq: 1, valid: 200, votes: [120, 80] }]);
    w.publish('3171011001', 2, [
      { code: A, seq: 1, valid: 200, votes: [120, 80] },
      { code: B, seq: 1, valid: 200, votes: [100, 100] },
    ]);
    // C brings 2,000 votes, ten times the median TPS.
    w.publish('3171011001', 3, [
      { code: A, seq: 1, valid: 200, votes: [120, 80] },
      { code: B, seq: 1, valid: 200, votes: [100, 100] },
      { code: C, seq: 1, valid: 2000, votes: [1900, 100] },
    ]);
    const nation = await findJumps(w.reader, 'PPWP', rows, jumpScope(rows, 'ID', 4));
    expect(nation.jumps).toEqual([]);
    const nationHtml = String(await jumpsSection(ctx, 'PPWP', nation));
    expect(nationHtml).toContain('Diperiksa di halaman ini: ID (nasional) · 2 provinsi.');
    expect(nationHtml).toContain('<code>ID 31 32</code>');
    expect(nationHtml).toContain('data-areas="6"');
    expect(nationHtml).toContain('<a href="/portal/anomali/PPWP/31">31</a> (3 wilayah)');
    expect(nationHtml).toContain('<a href="/portal/anomali/PPWP/32">32</a> (3 wilayah)');

    const child = await findJumps(w.reader, 'PPWP', rows, jumpScope(rows, '31', 4));
    expect(child.jumps.map((j) => `${j.node}:${j.next.seq}`)).toEqual(['3171011001:3']);
    const childHtml = String(await jumpsSection({ ...ctx, lang: 'en' }, 'PPWP', child));
    expect(childHtml).toContain('data-node="3171011001"');
    expect(childHtml).toContain(
      'Checked on this page: 31 (provinsi) · 1 kab/kota · 1 kecamatan · 1 kelurahan/desa.',
    );
    expect(childHtml).toContain('class="jumps-complete"');
    expect(childHtml).not.toContain('class="jumps-continue"');
  });
});

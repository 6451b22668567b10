// The demo seeder's story and its photos, without a server: which TPS misread
// what, that a misreading fails the arithmetic checks as 2024's did, and that
// every form photo is a real PNG of its own.
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type Choice, generateElection } from '../domains/registry/index.ts';
import { checkForm } from '../domains/results/forms/index.ts';
import { consistentForm } from '../domains/results/testing.ts';
import { formPhoto } from './photo.ts';
import { misread, scriptFor } from './plan.ts';
import { formSteps, isCounted } from './steps.ts';
import { demoVotes } from './votes.ts';

describe('scriptFor', () => {
  const contests = ['PPWP', 'DPR', 'DPD', 'DPRD_PROV'];
  const scripts = Array.from({ length: 60 }, (_, i) => scriptFor(i, contests));

  it('misreads at one TPS in ten, rotating the contest, every other correction citing a case', () => {
    const flagged = scripts.flatMap((s, i) =>
      s.flaggedContest ? [[i, s.flaggedContest, s.caseRef]] : [],
    );
    expect(flagged).toEqual([
      [3, 'PPWP', true],
      [13, 'DPR', false],
      [23, 'DPD', true],
      [33, 'DPRD_PROV', false],
      [43, 'PPWP', true],
      [53, 'DPR', false],
    ]);
  });

  it('reads by machine at every third TPS, half of those misread, starting at the demo TPS', () => {
    expect(scripts.filter((s) => s.reading)).toHaveLength(20);
    expect(scripts.filter((s) => s.readingMisread)).toHaveLength(10);
    expect(scripts[0]).toMatchObject({ reading: true, readingMisread: true, flaggedContest: null });
    expect(scripts.every((s) => s.reading || !s.readingMisread)).toBe(true);
  });
});

describe('misread', () => {
  const election = generateElection({ scale: 'province', seed: '2024' });
  const tps = '3171011001001';
  const dpt = 250;
  const ballot = {
    contest: 'PPWP' as const,
    dapil: null,
    choices: election.pairs.map((p) => ({
      id: String(p.number),
      kind: 'pair' as const,
      number: p.number,
      name: p.president,
    })),
    choiceIds: new Set(election.pairs.map((p) => String(p.number))),
  };

  it('turns a "3" into an "8" where a count has one, so the votes no longer add up', () => {
    for (let seed = 1; seed < 200; seed++) {
      const form = consistentForm('PPWP', tps, ballot, dpt, 'a'.repeat(64), seed);
      expect(checkForm(form)).toEqual([]);
      const m = misread(form);
      expect(m.read).not.toBe(m.right);
      expect(m.form.votes[m.choice]).toBe(m.read);
      expect({ ...m.form.votes, [m.choice]: m.right }).toEqual(form.votes);
      expect(checkForm(m.form).map((c) => c.check)).toContain('votes-sum-to-valid');
      if (Object.values(form.votes).some((n) => String(n).includes('3')))
        expect(m.digits).toEqual(['3', '8']);
    }
  });

  it('takes the largest count for a look-alike when no count has a 3', () => {
    const form = consistentForm('PPWP', tps, ballot, dpt, 'a'.repeat(64), 1);
    const m = misread({ ...form, votes: { '1': 120, '2': 77, '3': 5 }, valid: 202 });
    expect(m).toMatchObject({ choice: '1', right: 120, read: 128, digits: ['0', '8'] });
  });
});

describe('formPhoto', () => {
  it('is a valid PNG: signature, chunk CRCs, a greyscale image of the stated size', () => {
    const p = formPhoto('3171011001001', 'PPWP');
    const b = Buffer.from(p.bytes);
    expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < b.length; ) {
      const len = b.readUInt32BE(at);
      const type = b.toString('latin1', at + 4, at + 8);
      const data = b.subarray(at + 8, at + 8 + len);
      expect(b.readUInt32BE(at + 8 + len), type).toBe(crc32(b.subarray(at + 4, at + 8 + len)));
      chunks.push({ type, data });
      at += 12 + len;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    const ihdr = chunks[0]!.data;
    const [w, h] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)];
    expect([ihdr[8], ihdr[9]]).toEqual([8, 0]);
    expect(inflateSync(chunks[2]!.data).length).toBe(h * (w + 1));
    expect(chunks[1]!.data.toString('latin1')).toBe(
      'Title\0C.Hasil PPWP TPS 3171011001001 (Saksi demo)',
    );
  });

  it('differs per form and is the same for the same form', () => {
    const hashes = new Set(
      ['PPWP', 'DPR', 'DPD'].flatMap((c) =>
        ['3171011001001', '3171011001002'].map((t) => formPhoto(t, c).sha256),
      ),
    );
    expect(hashes.size).toBe(6);
    expect(formPhoto('3171011001001', 'DPR').sha256).toBe(formPhoto('3171011001001', 'DPR').sha256);
  });
});

describe('demoVotes', () => {
  const e = generateElection({ scale: 'province', seed: '2024' });
  const pairs: Choice[] = e.pairs.map((p) => ({
    id: String(p.number),
    kind: 'pair',
    number: p.number,
    name: p.president,
  }));
  const dapil = e.dapil.find((d) => d.contest === 'DPR')!.id;
  const dpr: Choice[] = e.parties
    .filter((p) => p.scope === 'ID')
    .flatMap((p) => [
      { id: String(p.number), kind: 'party' as const, number: p.number, name: p.name },
      ...e.candidates
        .filter((c) => c.contest === 'DPR' && c.dapil === dapil && c.party === p.number)
        .map((c) => ({
          id: `${p.number}.${c.number}`,
          kind: 'candidate' as const,
          number: c.number,
          party: p.number,
          name: c.name,
        })),
    ]);

  it('shares exactly the valid votes over choices on the ballot, the same way for the same seed', () => {
    for (const [choices, valid, seed] of [
      [pairs, 231, 1],
      [dpr, 198, 2],
      [dpr, 1, 3],
      [pairs, 0, 4],
    ] as const) {
      const v = demoVotes(choices, valid, seed);
      expect(Object.values(v).reduce((a, b) => a + b, 0)).toBe(valid);
      expect(Object.keys(v).length).toBeGreaterThan(0);
      for (const id of Object.keys(v)) expect(choices.map((c) => c.id)).toContain(id);
      expect(demoVotes(choices, valid, seed)).toEqual(v);
    }
  });

  it('adds up over many TPS to the shape of a real count, not to the last party on the ballot', () => {
    const pairTotals = new Map<string, number>();
    const partyTotals = new Map<number, number>();
    for (let seed = 1; seed <= 100; seed++) {
      for (const [id, n] of Object.entries(demoVotes(pairs, 220, seed)))
        pairTotals.set(id, (pairTotals.get(id) ?? 0) + n);
      for (const [id, n] of Object.entries(demoVotes(dpr, 220, seed))) {
        const party = Number(id.split('.')[0]);
        partyTotals.set(party, (partyTotals.get(party) ?? 0) + n);
      }
    }
    expect(pairTotals.get('3')!).toBeLessThan(Math.min(pairTotals.get('1')!, pairTotals.get('2')!));
    const ranked = [...partyTotals.entries()].sort((a, b) => b[1] - a[1]).map(([p]) => p);
    expect(ranked.slice(0, 3).sort()).toEqual([2, 3, 8]); // Gerindra, PDI-P, PKS
    expect(ranked.indexOf(24)).toBeGreaterThan(10);
  });
});

describe('formSteps (what every seeder writes, so that a rerun or a second seeder resumes)', () => {
  const election = generateElection({ scale: 'province', seed: '2024' });
  const ballot = {
    contest: 'PPWP' as const,
    dapil: null,
    choices: election.pairs.map((p) => ({
      id: String(p.number),
      kind: 'pair' as const,
      number: p.number,
      name: p.president,
    })),
    choiceIds: new Set(election.pairs.map((p) => String(p.number))),
  };
  const contests = ['PPWP', 'DPR', 'DPD', 'DPRD_PROV'];
  const at = (ordinal: number) =>
    formSteps({
      tps: '3171011001001',
      ordinal,
      contest: 'PPWP',
      ballot,
      dpt: 250,
      script: scriptFor(ordinal, contests),
      photo: 'a'.repeat(64),
    });

  it('plans the same versions every time, ending in a counted one', () => {
    for (let ordinal = 0; ordinal < 30; ordinal++) {
      const steps = at(ordinal);
      expect(at(ordinal)).toEqual(steps);
      const last = steps.at(-1)!;
      expect(last.stage).not.toBe('read');
      expect(last.flagged).toBe(false);
      expect(checkForm(last.form)).toEqual([]);
      for (const s of steps.slice(1)) expect(s.reason).toBeTruthy();
    }
  });

  it('reads by machine, misreads and corrects as the script says', () => {
    expect(at(0).map((s) => [s.stage, s.flagged, s.role])).toEqual([
      ['read', true, 'KPPS'],
      ['verified', false, 'KPPS'],
    ]);
    expect(at(1).map((s) => s.stage)).toEqual(['verified']);
    // Ordinal 3: the PPWP form misread and corrected by the PPK, citing a case.
    const flagged = at(3);
    expect(flagged.map((s) => [s.stage, s.flagged, s.role, s.area])).toEqual([
      ['read', false, 'KPPS', '3171011001001'],
      ['verified', true, 'KPPS', '3171011001001'],
      ['corrected', false, 'PPK', '317101'],
    ]);
    expect(checkForm(flagged[1]!.form).map((c) => c.check)).toContain('votes-sum-to-valid');
    expect(flagged[2]!.caseRef).toBe('003/Reg/LP/PL/Kec/317101/02/2024');
  });
});

describe('isCounted', () => {
  it('holds once the latest version is verified or corrected and accepted', () => {
    const v = (stage: string, status: string) => ({ seq: 1, stage, status });
    expect(isCounted([])).toBe(false);
    expect(isCounted([v('read', 'accepted')])).toBe(false);
    expect(isCounted([v('read', 'flagged'), v('verified', 'accepted')])).toBe(true);
    expect(isCounted([v('verified', 'flagged')])).toBe(false);
    expect(isCounted([v('verified', 'flagged'), v('corrected', 'accepted')])).toBe(true);
  });
});

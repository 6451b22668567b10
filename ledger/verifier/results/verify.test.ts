/**
 * The observer's results verifier on proofs built without a database
 * (test/results-proof.ts): each way a proof can fail has its own code, every
 * untrusted JSON is held to its schema (malformed input gives a typed error,
 * never a crash or a pass), and a row is judged by the check-set version it
 * names, so a check added later does not turn an old proof invalid.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildProof,
  GOOD_FORM,
  PATH,
  type ProofPlan,
  VERIFIER_KEY,
} from '../../../test/results-proof.ts';
import {
  CHECK_SETS,
  CHECKS_V1,
  type CheckRule,
  type CountForm,
  checkForm,
  checkRegistry,
  type ResultsProof,
  verifyResultsProof,
} from './index.ts';

const codesOf = (proof: unknown, opts?: Parameters<typeof verifyResultsProof>[2]) => {
  const v = verifyResultsProof(proof, VERIFIER_KEY, opts);
  for (const e of v.errors) expect(e.message.length).toBeGreaterThan(0);
  return [...new Set(v.errors.map((e) => e.code))].sort();
};
const built = async (plan: ProofPlan) => codesOf(await buildProof(plan));
/** A recap edit at one level only (0 = desa). */
const atLevel =
  (n: number, edit: (payload: Record<string, unknown>) => void) =>
  (level: number, payload: Record<string, unknown>) => {
    if (level === n) edit(payload);
  };

let good: ResultsProof;
beforeAll(async () => {
  good = await buildProof();
});

describe('a proof that holds', () => {
  it('verifies, and says what it proved', () => {
    const v = verifyResultsProof(good, VERIFIER_KEY);
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.checked.levels).toEqual([...PATH]);
    expect(v.form).toMatchObject({ seq: 1, status: 'accepted', checks: 1, failedChecks: [] });
    expect(v.nation).toEqual({ valid: 300, invalid: 7, tps: { accepted: 2, flagged: 0 } });
  });

  it('verifies a flagged form listed as flagged (counted in no total), and says so', async () => {
    const misread = { ...GOOD_FORM, votes: { ...GOOD_FORM.votes, '3': 80 } };
    const v = verifyResultsProof(
      await buildProof({ form: misread, status: 'flagged' }),
      VERIFIER_KEY,
    );
    expect(v.errors).toEqual([]);
    expect(v.form?.status).toBe('flagged');
    expect(v.form?.failedChecks.map((c) => c.check)).toEqual(['votes-sum-to-valid']);
    expect(v.nation?.tps).toEqual({ accepted: 1, flagged: 1 });
  });

  it('reads a row written before check versions existed as version 1', async () => {
    const v = verifyResultsProof(await buildProof({ checks: null }), VERIFIER_KEY);
    expect(v.errors).toEqual([]);
    expect(v.form?.checks).toBe(1);
  });
});

describe('each failure has its own code', () => {
  it.each<[string, ProofPlan, string[]]>([
    ['a machine reading', { formKind: 'results.chasil.read' }, ['WRONG_KIND']],
    [
      'a flagged form listed as accepted',
      { form: { ...GOOD_FORM, valid: 201, invalid: 4 } },
      ['STATUS_MISMATCH'],
    ],
    [
      'a form with no device signature',
      {
        editForm: (e) => {
          e.actor = { id: 'kpps-1', role: 'KPPS' };
        },
      },
      ['UNSIGNED_FORM'],
    ],
    [
      'a form signed over other numbers',
      {
        editForm: (e) => {
          (e.payload as CountForm).invalid = 6;
        },
      },
      ['BAD_DEVICE_SIGNATURE', 'STATUS_MISMATCH'],
    ],
    [
      'a total that is not its children’s sum',
      {
        editRecap: atLevel(2, (p) => {
          p.valid = (p.valid as number) + 1;
        }),
      },
      ['SUM_MISMATCH'],
    ],
    [
      'a recap that does not list the level below',
      {
        editRecap: atLevel(1, (p) => {
          (p.children as { code: string }[])[0]!.code = '3171019999';
        }),
      },
      ['CHILD_MISSING'],
    ],
    [
      'a recap listing a row of another area',
      {
        editRecap: atLevel(0, (p) => {
          (p.children as { code: string }[])[1]!.code = '3171011002002';
        }),
      },
      ['FOREIGN_CHILD'],
    ],
    [
      'a row counted twice',
      {
        editRecap: atLevel(0, (p) => {
          (p.children as unknown[]).push((p.children as unknown[])[1]);
        }),
      },
      ['COUNTED_TWICE'],
    ],
    [
      'a TPS row shaped as an area',
      {
        editRecap: (l, p) => {
          if (l !== 0) return;
          const row = (p.children as Record<string, unknown>[])[1]!;
          delete row.status;
          delete row.checks;
          row.tps = { accepted: 50, flagged: 0 };
        },
      },
      ['WRONG_ROW_SHAPE'],
    ],
    [
      'a recap of another area at this level',
      {
        editRecap: atLevel(4, (p) => {
          p.area = '32';
        }),
      },
      ['WRONG_AREA'],
    ],
    [
      'a row judged by a check version this verifier does not know',
      { checks: 2 },
      ['UNKNOWN_CHECKS_VERSION'],
    ],
  ])('%s', async (_what, plan, codes) => {
    expect(await built(plan)).toEqual(codes);
  });

  it('a proof for one TPS passed off as another’s: WRONG_SUBJECT', () => {
    expect(codesOf({ ...good, tps: '3171011001002' })).toEqual(['CHILD_MISMATCH', 'WRONG_SUBJECT']);
  });

  it('a chain that stops below the nation: CHAIN_INCOMPLETE', () => {
    expect(codesOf({ ...good, levels: good.levels.slice(0, 4) })).toEqual(['CHAIN_INCOMPLETE']);
  });

  it('another log key: BAD_CHECKPOINT; another tree size: CHECKPOINT_SIZE_MISMATCH', () => {
    const other = `test.saksi.localhost/log+00000000+AQ${'A'.repeat(42)}=`;
    expect(codesOf(good, undefined)).toEqual([]);
    expect(verifyResultsProof(good, other).errors.map((e) => e.code)).toContain('BAD_CHECKPOINT');
    expect(codesOf({ ...good, treeSize: good.treeSize + 1 })).toEqual(
      expect.arrayContaining(['CHECKPOINT_SIZE_MISMATCH', 'NOT_INCLUDED']),
    );
  });

  it('an entry that is not the logged one: NOT_INCLUDED', () => {
    const p = structuredClone(good);
    p.levels[2]!.recap.index += 1;
    expect(codesOf(p)).toEqual(['NOT_INCLUDED']);
  });
});

describe('untrusted JSON is held to its schema', () => {
  const edited = (edit: (p: Record<string, unknown>) => void): unknown => {
    const p = structuredClone(good) as unknown as Record<string, unknown>;
    edit(p);
    return p;
  };
  it.each<[string, () => unknown]>([
    ['null', () => null],
    ['a list', () => []],
    ['a string', () => 'proof'],
    ['an empty object', () => ({})],
    ['no form', () => edited((p) => delete p.form)],
    ['a tree size as a string', () => edited((p) => (p.treeSize = String(p.treeSize)))],
    ['a tree size of 1e300', () => edited((p) => (p.treeSize = 1e300))],
    ['a fractional index', () => edited((p) => ((p.form as { index: number }).index = 2.5))],
    ['a negative index', () => edited((p) => ((p.form as { index: number }).index = -1))],
    ['an unknown field', () => edited((p) => (p.extra = 1))],
    [
      'extra nesting in a level',
      () => edited((p) => ((p.levels as unknown[])[0] = [(p.levels as unknown[])[0]])),
    ],
    [
      'an entry that is an object',
      () => edited((p) => ((p.form as { entry: unknown }).entry = {})),
    ],
    [
      'a hash that is not base64',
      () => edited((p) => ((p.form as { inclusionProof: string[] }).inclusionProof[0] = '!')),
    ],
    ['a contest that does not exist', () => edited((p) => (p.contest = 'DPRX'))],
    [
      'a __proto__ key',
      () => JSON.parse(`{"__proto__":{"ok":true},${JSON.stringify(good).slice(1)}`),
    ],
    ['61 levels', () => edited((p) => (p.levels = new Array(61).fill((p.levels as unknown[])[0])))],
  ])('%s: MALFORMED_PROOF', (_what, make) => {
    expect(codesOf(make())).toEqual(['MALFORMED_PROOF']);
  });

  const form = (edit: (f: Record<string, unknown>) => void) =>
    built({ editForm: (e) => edit(e.payload as Record<string, unknown>) });
  it.each<[string, (f: Record<string, unknown>) => void]>([
    ['a negative count', (f) => (f.invalid = -5)],
    ['a huge count', (f) => (f.valid = 2 ** 60)],
    ['a count as a string', (f) => (f.valid = '200')],
    ['a missing field', (f) => delete f.ballots],
    ['extra nesting', (f) => (f.votes = { '1': { n: 60 } })],
    ['a __proto__ choice', (f) => (f.votes = JSON.parse('{"__proto__":60,"2":90,"3":50}'))],
    ['an unknown field', (f) => (f.note = 'x')],
  ])('a form with %s: MALFORMED_FORM', async (_what, edit) => {
    expect((await form(edit)).filter((c) => c !== 'BAD_DEVICE_SIGNATURE')).toEqual([
      'MALFORMED_FORM',
    ]);
  });

  const recap = (edit: (r: Record<string, unknown>) => void) =>
    built({ editRecap: atLevel(1, edit) });
  it.each<[string, (r: Record<string, unknown>) => void]>([
    ['a negative total', (r) => (r.valid = -1)],
    ['a total above 2^36', (r) => (r.invalid = 2 ** 40)],
    ['a missing listing', (r) => delete r.children],
    ['a row with nested votes', (r) => ((r.children as { votes: unknown }[])[0]!.votes = [[1]])],
    ['a choice that is no choice id', (r) => (r.choices = ['__proto__'])],
    ['votes with a __proto__ key', (r) => (r.votes = JSON.parse('{"__proto__":1}'))],
    ['a row of the wrong width', (r) => (r.choices = [...(r.choices as string[]), '9'])],
    ['a choice listed twice', (r) => (r.choices = ['1', '1', '2'])],
  ])('a recap with %s: MALFORMED_RECAP', async (_what, edit) => {
    expect(await recap(edit)).toEqual(['MALFORMED_RECAP']);
  });

  it.each<[string, (text: string) => string]>([
    ['not JSON', () => '{"v":1,'],
    ['JSON that is not canonical', (t) => t.replace('{"actor":', '{ "actor":')],
    ['a duplicate key', (t) => t.replace('{"actor":', '{"v":2,"actor":')],
    ['an envelope with an unknown field', (t) => t.replace('{"actor":', '{"zzz":1,"actor":')],
  ])('an entry that is %s: MALFORMED_ENTRY', async (_what, edit) => {
    expect(await built({ rawText: (i, t) => (i === 3 ? edit(t) : t) })).toEqual([
      'MALFORMED_ENTRY',
    ]);
  });

  it('never throws, whatever it is given', () => {
    for (const v of [undefined, 0, true, Symbol.for('x'), () => 1, new Uint8Array(3)])
      expect(verifyResultsProof(v, VERIFIER_KEY).errors[0]?.code).toBe('MALFORMED_PROOF');
    expect(verifyResultsProof(good, 'not a key').errors.map((e) => e.code)).toEqual([
      'BAD_CHECKPOINT',
    ]);
  });
});

describe('check sets are versioned: a check added later does not turn old proofs invalid', () => {
  // A rule a later version might add: DPK voters (ID-card voters) vote with the
  // 2% reserve ballots, so more of them than 2% of the DPT is worth flagging.
  const dpkWithinReserve: CheckRule = {
    id: 'dpk-within-reserve',
    test: (f) => {
      const reserve = Math.ceil((f.voters.registered.dpt * 2) / 100);
      return f.voters.voted.dpk <= reserve
        ? null
        : {
            check: 'dpk-within-reserve',
            message: `${f.voters.voted.dpk} DPK voters but the reserve is ${reserve}`,
            expected: reserve,
            actual: f.voters.voted.dpk,
          };
    },
  };
  const withV2 = checkRegistry([
    CHECKS_V1,
    { version: 2, rules: [...CHECKS_V1.rules, dpkWithinReserve] },
  ]);
  // Accepted by version 1; version 2 would flag it (8 DPK voters, reserve 5).
  const form: CountForm = {
    ...GOOD_FORM,
    voters: { registered: { dpt: 250, dptb: 4, dpk: 8 }, voted: { dpt: 194, dptb: 3, dpk: 8 } },
  };

  it('the form passes version 1 and fails version 2', () => {
    expect(checkForm(form, 1, withV2)).toEqual([]);
    expect(checkForm(form, 2, withV2).map((c) => c.check)).toEqual(['dpk-within-reserve']);
  });

  it('an entry judged by version 1 verifies with version 2 in the code', async () => {
    const old = await buildProof({ form, checks: 1 });
    expect(codesOf(old)).toEqual([]);
    const v = verifyResultsProof(old, VERIFIER_KEY, { checks: withV2 });
    expect(v.errors).toEqual([]);
    expect(v.form).toMatchObject({ status: 'accepted', checks: 1 });
  });

  it('an entry judged by version 2 is held to version 2', async () => {
    const flagged = await buildProof({ form, checks: 2, status: 'flagged' });
    expect(codesOf(flagged, { checks: withV2 })).toEqual([]);
    // The same form listed as accepted under version 2 is a flagged form counted.
    expect(codesOf(await buildProof({ form, checks: 2 }), { checks: withV2 })).toEqual([
      'STATUS_MISMATCH',
    ]);
    // A verifier that knows only version 1 refuses to judge it by other rules.
    expect(codesOf(flagged)).toEqual(['UNKNOWN_CHECKS_VERSION']);
  });

  it('a registry never redefines a check ID, skips a version or lists a rule twice', () => {
    const redefined = { ...dpkWithinReserve, id: 'votes-sum-to-valid' };
    expect(() => checkRegistry([CHECKS_V1, { version: 2, rules: [redefined] }])).toThrow(
      /redefined in version 2/,
    );
    expect(() => checkRegistry([CHECKS_V1, { version: 3, rules: [] }])).toThrow(
      /versions are 1, 2/,
    );
    expect(() =>
      checkRegistry([{ version: 1, rules: [dpkWithinReserve, dpkWithinReserve] }]),
    ).toThrow(/twice/);
    expect(CHECK_SETS.get(1)).toBe(CHECKS_V1);
  });
});

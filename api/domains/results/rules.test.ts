// The counting rules as pure functions (rules.ts), each alone: what used to be a
// SQL condition (machine readings), a ternary in a row builder (flagged) and a
// constraint name in the write definition (the photo) is named and tested here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateElection, Registry } from '../registry/index.ts';
import { CLEAN_DPR, CLEAN_PPWP } from './forms/fixtures.ts';
import { CHECKS_VERSION } from './forms/index.ts';
import {
  ballotViolations,
  COUNTED_STAGES,
  countsTowardTotals,
  FORM_KINDS,
  FORM_STAGES,
  formStatus,
  formSubject,
  judgeForm,
  PHOTO_MUST_EXIST,
  versionViolations,
} from './rules.ts';

const rules = (v: { rule: string }[]) => v.map((x) => x.rule);

describe('a form that does not add up is flagged', () => {
  it('accepted with no failed check, flagged with any', () => {
    expect(formStatus([])).toBe('accepted');
    expect(formStatus([{ check: 'votes-sum-to-valid', message: '…' }])).toBe('flagged');
  });

  it('judgeForm runs the arithmetic checks and keeps exactly the failed ones', () => {
    expect(judgeForm(CLEAN_PPWP)).toEqual({
      status: 'accepted',
      failed: [],
      checks: CHECKS_VERSION,
    });
    // "3" read as "8": 63 → 68 no longer sums to the valid votes.
    const misread = { ...CLEAN_PPWP, votes: { ...CLEAN_PPWP.votes, '1': 68 } };
    const j = judgeForm(misread);
    expect(j.status).toBe('flagged');
    expect(j.failed.map((f) => f.check)).toEqual(['votes-sum-to-valid']);
  });
});

describe('machine readings never count', () => {
  it('only the numbers a person signed reach the totals', () => {
    expect(countsTowardTotals('read')).toBe(false);
    expect(countsTowardTotals('verified')).toBe(true);
    expect(countsTowardTotals('corrected')).toBe(true);
    expect(COUNTED_STAGES).toEqual(['verified', 'corrected']);
  });

  it('every stage has its entry kind, and subjects are per contest and TPS', () => {
    expect(Object.keys(FORM_KINDS)).toEqual([...FORM_STAGES]);
    expect(formSubject(CLEAN_DPR)).toBe('chasil:DPR:3171011001001');
  });
});

describe('the photo must exist', () => {
  it('names the database constraint that enforces it, and that constraint exists', () => {
    const dir = join(import.meta.dirname, '../../../infra/db/migrations');
    const sql = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(sql).toMatch(
      new RegExp(`CONSTRAINT ${PHOTO_MUST_EXIST.constraint} REFERENCES photos \\(sha256\\)`),
    );
    expect(PHOTO_MUST_EXIST).toMatchObject({ status: 422, code: 'PHOTO_NOT_UPLOADED' });
  });
});

describe('versions of a C.Hasil subject', () => {
  it('the machine reading is version 1 only', () => {
    expect(versionViolations('read', 1, CLEAN_PPWP)).toEqual([]);
    expect(rules(versionViolations('read', 2, CLEAN_PPWP))).toEqual(['read-first']);
  });

  it('the KPPS verifies once: version 1, or 2 after a reading', () => {
    expect(versionViolations('verified', 1, CLEAN_PPWP)).toEqual([]);
    expect(versionViolations('verified', 2, CLEAN_PPWP)).toEqual([]);
    expect(rules(versionViolations('verified', 3, CLEAN_PPWP))).toEqual(['verify-once']);
  });

  it('a correction is a later version, and only a correction cites a case', () => {
    expect(rules(versionViolations('corrected', 1, CLEAN_PPWP))).toEqual([
      'correction-is-new-version',
    ]);
    const cited = { ...CLEAN_PPWP, caseRef: '01/PHPU/2024' };
    expect(versionViolations('corrected', 2, cited)).toEqual([]);
    expect(rules(versionViolations('verified', 1, cited))).toEqual(['case-ref-on-corrections']);
    expect(rules(versionViolations('read', 1, cited))).toEqual(['case-ref-on-corrections']);
  });
});

describe('a form names only its TPS’s ballot', () => {
  const registry = Registry.fromData(generateElection({ scale: 'province', seed: '2024' }));

  it('refuses an unknown TPS, a contest not held there, and choices not on the ballot', () => {
    expect(ballotViolations(registry, CLEAN_PPWP)).toEqual([]);
    expect(rules(ballotViolations(registry, { ...CLEAN_PPWP, tps: '3171011001999' }))).toEqual([
      'known-tps',
    ]);
    // Jakarta votes no DPRD kabupaten/kota.
    expect(
      rules(ballotViolations(registry, { ...CLEAN_PPWP, contest: 'DPRD_KABKOTA', votes: {} })),
    ).toEqual(['contest-held']);
    expect(
      rules(ballotViolations(registry, { ...CLEAN_PPWP, votes: { ...CLEAN_PPWP.votes, '9': 1 } })),
    ).toEqual(['choice-on-ballot']);
  });
});

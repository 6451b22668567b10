// The election-day report rules alone (rules.ts).
import { describe, expect, it } from 'vitest';
import { reportRules, reportSubject, versionRules } from './rules.ts';
import type { TpsReportPayload } from './schemas.ts';

const NOW = Date.parse('2024-02-14T12:00:00Z');
const report = (p: Partial<TpsReportPayload> = {}): TpsReportPayload => ({
  tps: '3171011001001',
  ref: 'c2-1',
  type: 'incident',
  occurredAt: '2024-02-14T10:00:00Z',
  description: 'ballot box seal broken on arrival',
  ...p,
});
const rules = (v: { rule: string }[]) => v.map((x) => x.rule);

describe('TPS report rules', () => {
  it('one subject per TPS and reference', () => {
    expect(reportSubject(report())).toBe('tps-report:3171011001001:c2-1');
  });

  it('a report happened, and not more than five minutes from now', () => {
    expect(reportRules(report(), NOW)).toEqual([]);
    expect(rules(reportRules(report({ occurredAt: '2024-02-14T12:06:00Z' }), NOW))).toEqual([
      'not-in-future',
    ]);
    expect(reportRules(report({ occurredAt: '2024-02-14T12:04:00Z' }), NOW)).toEqual([]);
    expect(rules(reportRules(report({ occurredAt: 'yesterday' }), NOW))).toEqual(['occurred-at']);
  });

  it('a TPS opens once and closes once', () => {
    expect(reportRules(report({ type: 'opened', ref: 'opened' }), NOW)).toEqual([]);
    expect(rules(reportRules(report({ type: 'closed', ref: 'end' }), NOW))).toEqual([
      'one-opening-one-closing',
    ]);
  });

  it('submitted as version 1, corrected as a later version', () => {
    expect(versionRules(false, 1)).toEqual([]);
    expect(rules(versionRules(false, 2))).toEqual(['submit-once']);
    expect(versionRules(true, 2)).toEqual([]);
    expect(rules(versionRules(true, 1))).toEqual(['correction-is-new-version']);
  });
});

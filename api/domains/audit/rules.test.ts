// The audit domain's pure rules (rules.ts): redaction, report checks, which
// findings a report opens and closes, and the stage gate's reasons.
import { describe, expect, it } from 'vitest';
import {
  type ControlEntry,
  controlEntries,
  findingChanges,
  findingId,
  gateReasons,
  redactSummary,
  reportViolations,
} from './rules.ts';
import type { ReportRequest } from './schemas.ts';

const SHA = 'ab'.repeat(32);
const entry = (id: string, status: ControlEntry['status']): ControlEntry => ({
  id,
  status,
  severity: 'high',
  summary: id,
  redacted: false,
});
const NOW = Date.parse('2024-02-13T00:00:00Z');
const DAY = 86_400;

describe('redactSummary', () => {
  it('takes out every NIK-shaped number, spaced or dotted, and says so', () => {
    expect(redactSummary('NIK 3171015203900001 and 3171.0152.0390.0002 leaked')).toEqual({
      summary: 'NIK [redacted] and [redacted] leaked',
      redacted: true,
    });
  });
  it('leaves other numbers alone', () => {
    const text = 'entry 1234567 of 17 digits 12345678901234567, date 2024-02-14';
    expect(redactSummary(text)).toEqual({ summary: text, redacted: false });
  });
  it('controlEntries redacts each control', () => {
    const [c] = controlEntries([
      { id: 'personal-data', status: 'fail', severity: 'critical', summary: '3171015203900001' },
    ]);
    expect(c).toMatchObject({ summary: '[redacted]', redacted: true });
  });
});

describe('reportViolations', () => {
  const req = (over: Partial<ReportRequest> = {}): ReportRequest => ({
    kind: 'audit',
    reportSha256: SHA,
    generatedAt: '2024-02-12T00:00:00Z',
    controls: [{ id: 'a', status: 'pass', severity: 'low', summary: 's' }],
    ...over,
  });
  const stages = new Set(['voting']);
  it('accepts a plain report', () => {
    expect(reportViolations(req(), NOW, stages)).toEqual([]);
    expect(reportViolations(req({ stage: 'voting' }), NOW, stages)).toEqual([]);
  });
  it('refuses a control twice, a time ahead of the clock, a stage not in the calendar', () => {
    const c = { id: 'a', status: 'pass', severity: 'low', summary: 's' } as const;
    expect(reportViolations(req({ controls: [c, c] }), NOW, stages)[0]?.rule).toBe('controls');
    expect(
      reportViolations(req({ generatedAt: '2024-02-13T00:10:00Z' }), NOW, stages)[0]?.rule,
    ).toBe('generated-at');
    expect(reportViolations(req({ generatedAt: '2024-02-13T00:04:00Z' }), NOW, stages)).toEqual([]);
    expect(reportViolations(req({ stage: 'campaign' }), NOW, stages)[0]?.rule).toBe('stage');
  });
});

describe('findingChanges', () => {
  it('opens a finding per failed control with none open, closes on pass, ignores skip', () => {
    const open = [
      { id: 'b@1111111111111111', control: 'b' },
      { id: 'c@1111111111111111', control: 'c' },
    ];
    const out = findingChanges(
      SHA,
      [entry('a', 'fail'), entry('b', 'fail'), entry('c', 'pass'), entry('d', 'skip')],
      open,
    );
    expect(out.open.map((f) => f.id)).toEqual([findingId('a', SHA)]);
    expect(out.close).toEqual([open[1]]);
  });
  it('a skipped control neither opens nor closes', () => {
    const open = [{ id: 'a@1111111111111111', control: 'a' }];
    expect(findingChanges(SHA, [entry('a', 'skip')], open)).toEqual({ open: [], close: [] });
  });
});

describe('gateReasons', () => {
  const ev = (kind: 'audit' | 'feasibility', ageDays: number, failed: string[] = []) => ({
    id: kind === 'audit' ? 'A' : 'F',
    kind,
    generatedAt: new Date(NOW - ageDays * DAY * 1000).toISOString(),
    failed: failed.map((id) => ({ id, severity: 'high' as const })),
  });
  const gate = (over: Partial<Parameters<typeof gateReasons>[0]> = {}) =>
    gateReasons({
      audit: ev('audit', 1),
      feasibility: ev('feasibility', 1),
      openFindings: [],
      now: NOW,
      maxAgeSeconds: 7 * DAY,
      ...over,
    }).map((r) => r.code);

  it('is open with fresh passing evidence and no open finding', () => {
    expect(gate()).toEqual([]);
  });
  it('names every reason at once', () => {
    expect(
      gate({ audit: null, feasibility: ev('feasibility', 8, ['load']), openFindings: ['x@1'] }),
    ).toEqual(['NO_AUDIT_EVIDENCE', 'FEASIBILITY_FAILED', 'FEASIBILITY_STALE', 'FINDINGS_OPEN']);
    expect(gate({ audit: ev('audit', 7.01), feasibility: null })).toEqual([
      'AUDIT_STALE',
      'NO_FEASIBILITY_EVIDENCE',
    ]);
  });
  it('evidence exactly as old as allowed still counts', () => {
    expect(gate({ audit: ev('audit', 7) })).toEqual([]);
  });
});

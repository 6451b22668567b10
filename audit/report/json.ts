/**
 * report.json (issue #13 "Evidence"): every control with its result, evidence
 * and timings. Its digest is SHA-256 over the RFC 8785 canonical JSON of the
 * report without its `filing` member — the digest that is appended to the log —
 * so the report can cite the log entry that timestamps it and still be checked:
 * drop `filing`, canonicalise, hash, compare with the entry.
 */
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../../ledger/index.ts';
import type { ControlResult, Severity } from '../types.ts';

export const REPORT_FORMAT = 'saksi-audit-report/1';

export interface AuditReport {
  format: typeof REPORT_FORMAT;
  kind: 'audit' | 'feasibility';
  generatedAt: string;
  stage?: string;
  /** What was audited: the API and the checkpoint the audit ran against. */
  target: { baseUrl: string; origin?: string; size?: number; rootHash?: string };
  summary: { passed: boolean; pass: number; fail: number; skip: number; ms: number };
  controls: ControlResult[];
  /** The log entry that timestamps this report (added after filing, outside the digest). */
  filing?: Filing;
}

export interface Filing {
  url: string;
  reportId: string;
  reportSha256: string;
  entry: { index: number; leafHash: string };
}

export function buildReport(input: {
  kind?: 'audit' | 'feasibility';
  generatedAt: string;
  stage?: string;
  target: AuditReport['target'];
  controls: ControlResult[];
  ms: number;
}): AuditReport {
  const count = (s: string) => input.controls.filter((c) => c.status === s).length;
  const report: AuditReport = {
    format: REPORT_FORMAT,
    kind: input.kind ?? 'audit',
    generatedAt: input.generatedAt,
    ...(input.stage ? { stage: input.stage } : {}),
    target: input.target,
    summary: {
      passed: count('fail') === 0,
      pass: count('pass'),
      fail: count('fail'),
      skip: count('skip'),
      ms: Math.round(input.ms),
    },
    controls: input.controls,
  };
  // Plain JSON (no undefined members), so the digest is of exactly what is written.
  return JSON.parse(JSON.stringify(report)) as AuditReport;
}

/** SHA-256 (hex) of the report's canonical JSON without `filing`. */
export function reportSha256(report: AuditReport): string {
  const { filing: _, ...body } = report;
  return createHash('sha256').update(canonicalBytes(body)).digest('hex');
}

/** The highest severity among failed controls, or null when none failed. */
export function worstFailure(report: AuditReport): Severity | null {
  const order: Severity[] = ['critical', 'high', 'medium', 'low'];
  for (const s of order)
    if (report.controls.some((c) => c.status === 'fail' && c.severity === s)) return s;
  return null;
}

export function reportJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

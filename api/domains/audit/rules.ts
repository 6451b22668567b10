/**
 * The audit domain's rules, pure (tested alone in rules.test.ts):
 *
 * - what a filed report may hold (unique controls, a real and not future time,
 *   a stage of the calendar), and how its summaries are redacted before they
 *   reach the public log;
 * - which findings a report opens and closes: each failed control opens one
 *   unless one is already open for it; a passing run of the control closes the
 *   open one (issue #13: "A finding closes only when a later audit run passes
 *   its control"); `skip` changes nothing;
 * - the stage gate: the reasons a stage may not open (issue #13: "refused with
 *   the list of reasons while the latest audit or feasibility evidence for it
 *   fails or is older than configured, or any finding is open").
 */
import type { Violation } from '../../write/ledgered-write.ts';
import type { ControlResult, ReportKind, ReportRequest, Severity } from './schemas.ts';

/** How far a report's generatedAt may lie ahead of the server's clock (skew). */
export const FUTURE_SKEW_MS = 5 * 60_000;

// A NIK-shaped number as api/public-text.ts defines it (16 digits, at most one
// separator between two), every occurrence: a failing personal-data control
// may name the very NIK it found, and the log must never carry it (UU 27/2022).
const NIK_SHAPED = /(?<![0-9])[0-9](?:[\s.\-\u2010-\u2015\u2212]?[0-9]){15}(?![0-9])/gu;
export const REDACTED = '[redacted]';

/** The summary as the public log may carry it, and whether anything was taken out. */
export function redactSummary(text: string): { summary: string; redacted: boolean } {
  const summary = text.replace(NIK_SHAPED, REDACTED);
  return { summary, redacted: summary !== text };
}

/** A control as the log entry carries it. */
export type ControlEntry = ControlResult & { redacted: boolean };

export function controlEntries(controls: readonly ControlResult[]): ControlEntry[] {
  return controls.map((c) => ({ ...c, ...redactSummary(c.summary) }));
}

export function reportViolations(
  req: ReportRequest,
  now: number,
  stageIds: ReadonlySet<string>,
): Violation[] {
  const out: Violation[] = [];
  const at = Date.parse(req.generatedAt);
  if (Number.isNaN(at))
    out.push({ rule: 'generated-at', message: `${req.generatedAt} is not a time` });
  else if (at > now + FUTURE_SKEW_MS)
    out.push({ rule: 'generated-at', message: 'generatedAt lies in the future' });
  const seen = new Set<string>();
  for (const c of req.controls) {
    if (seen.has(c.id)) out.push({ rule: 'controls', message: `control ${c.id} is listed twice` });
    seen.add(c.id);
  }
  if (req.stage !== undefined && !stageIds.has(req.stage))
    out.push({ rule: 'stage', message: `stage ${req.stage} is not in the calendar` });
  return out;
}

export interface OpenFinding {
  id: string;
  control: string;
}

export interface FindingChanges {
  open: { id: string; control: ControlEntry }[];
  close: OpenFinding[];
}

/** `<control>@<first 16 hex of the opening report>`: unique, as a report lists a control once. */
export const findingId = (control: string, reportSha256: string) =>
  `${control}@${reportSha256.slice(0, 16)}`;

export function findingChanges(
  reportSha256: string,
  controls: readonly ControlEntry[],
  open: readonly OpenFinding[],
): FindingChanges {
  const openByControl = new Map(open.map((f) => [f.control, f]));
  const out: FindingChanges = { open: [], close: [] };
  for (const c of controls) {
    const existing = openByControl.get(c.id);
    switch (c.status) {
      case 'fail':
        if (!existing) out.open.push({ id: findingId(c.id, reportSha256), control: c });
        break;
      case 'pass':
        if (existing) out.close.push(existing);
        break;
      case 'skip':
        break;
      default: {
        const never: never = c.status;
        throw new TypeError(`unknown control status ${String(never)}`);
      }
    }
  }
  return out;
}

/** The latest report of a kind that is evidence for a stage. */
export interface Evidence {
  id: string;
  kind: ReportKind;
  generatedAt: string;
  failed: { id: string; severity: Severity }[];
}

export type GateReasonCode =
  | 'NO_AUDIT_EVIDENCE'
  | 'NO_FEASIBILITY_EVIDENCE'
  | 'AUDIT_FAILED'
  | 'FEASIBILITY_FAILED'
  | 'AUDIT_STALE'
  | 'FEASIBILITY_STALE'
  | 'FINDINGS_OPEN';

export type GateReason = { code: GateReasonCode; message: string };

export interface GateInput {
  audit: Evidence | null;
  feasibility: Evidence | null;
  openFindings: readonly string[];
  now: number;
  maxAgeSeconds: number;
}

/** Every reason the stage may not open now; empty: it may. */
export function gateReasons(g: GateInput): GateReason[] {
  const out: GateReason[] = [];
  for (const [kind, ev] of [
    ['audit', g.audit],
    ['feasibility', g.feasibility],
  ] as const) {
    const K = kind === 'audit' ? 'AUDIT' : 'FEASIBILITY';
    if (ev === null) {
      out.push({
        code: `NO_${K}_EVIDENCE`,
        message: `no ${kind} report has been filed for this stage`,
      });
      continue;
    }
    if (ev.failed.length > 0)
      out.push({
        code: `${K}_FAILED`,
        message: `the latest ${kind} report (${ev.id}) failed ${ev.failed.map((f) => `${f.id} (${f.severity})`).join(', ')}`,
      });
    const ageSeconds = (g.now - Date.parse(ev.generatedAt)) / 1000;
    if (ageSeconds > g.maxAgeSeconds)
      out.push({
        code: `${K}_STALE`,
        message: `the latest ${kind} report (${ev.id}) was generated ${Math.floor(ageSeconds)} s ago; evidence older than ${g.maxAgeSeconds} s does not count`,
      });
  }
  if (g.openFindings.length > 0)
    out.push({
      code: 'FINDINGS_OPEN',
      message: `${g.openFindings.length} finding(s) open: ${g.openFindings.join(', ')}`,
    });
  return out;
}

/** The shape of findingId()'s ids. */
export const FINDING_ID = /^[a-z0-9][a-z0-9._-]{0,63}@[0-9a-f]{16}$/;

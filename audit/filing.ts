/**
 * Files a report with the server (issue #13 "Evidence"): its SHA-256 is
 * appended to the log, so the evidence is timestamped and tamper-evident, and
 * the report then cites that entry. The agreed contract with the server side
 * (api/domains/audit/):
 *
 *   POST /v1/audit/reports  {kind, reportSha256, generatedAt, stage?, controls:
 *                            [{id, status, severity, summary}]}
 *   → 201 {reportId, entry: {index, leafHash}}
 *
 * The answer comes from the server being audited, so it is checked: a
 * malformed answer is a filing failure, never a citation.
 */
import { type AuditReport, type Filing, reportSha256 } from './report/json.ts';

export class FilingError extends Error {
  constructor(
    readonly code: 'UNREACHABLE' | 'REFUSED' | 'MALFORMED_ANSWER',
    message: string,
  ) {
    super(message);
  }
}

/** The request body the server expects (the summary clipped to what a log entry holds). */
export function filingBody(report: AuditReport) {
  return {
    kind: report.kind,
    reportSha256: reportSha256(report),
    generatedAt: report.generatedAt,
    ...(report.stage ? { stage: report.stage } : {}),
    controls: report.controls.map((c) => ({
      id: c.id,
      status: c.status,
      severity: c.severity,
      summary: c.summary.length > 500 ? `${c.summary.slice(0, 499)}…` : c.summary,
    })),
  };
}

export async function fileReport(
  http: (path: string, init?: RequestInit) => Promise<Response>,
  baseUrl: string,
  token: string,
  report: AuditReport,
): Promise<Filing> {
  const body = filingBody(report);
  let res: Response;
  try {
    res = await http('/v1/audit/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new FilingError('UNREACHABLE', (e as Error).message);
  }
  const text = await res.text();
  if (res.status !== 201)
    throw new FilingError(
      'REFUSED',
      `POST /v1/audit/reports: HTTP ${res.status} ${text.slice(0, 300)}`,
    );
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new FilingError('MALFORMED_ANSWER', 'the answer is not JSON');
  }
  const a = answer as { reportId?: unknown; entry?: { index?: unknown; leafHash?: unknown } };
  if (
    typeof a?.reportId !== 'string' ||
    a.reportId.length === 0 ||
    a.reportId.length > 200 ||
    !Number.isSafeInteger(a.entry?.index) ||
    (a.entry?.index as number) < 0 ||
    typeof a.entry?.leafHash !== 'string' ||
    !/^(?:[0-9a-f]{64}|[A-Za-z0-9+/]{43}=)$/.test(a.entry.leafHash)
  )
    throw new FilingError('MALFORMED_ANSWER', `unexpected answer ${text.slice(0, 300)}`);
  return {
    url: `${baseUrl}/v1/audit/reports`,
    reportId: a.reportId,
    reportSha256: body.reportSha256,
    entry: { index: a.entry!.index as number, leafHash: a.entry!.leafHash as string },
  };
}

/**
 * `POST /v1/audit/reports` (policy `audit.file`): files the SHA-256 of an audit
 * or feasibility report as a log entry, so that the evidence is timestamped and
 * tamper-evident (issue #13 "Evidence"), and in the same transaction opens a
 * finding for each failed control that has none open and closes the open finding
 * of each control that passed — each of those a log entry of its own, citing
 * the report. Refiling the same SHA-256 is 409 REPORT_ALREADY_FILED.
 */
import type { Hono } from 'hono';
import { appendVersions, type VersionDraft } from '../../../ledger/index.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { ERROR_SCHEMA, registerRoute, validate } from '../../schemas.ts';
import {
  performWrite,
  submissionSchema,
  type WriteDefinition,
} from '../../write/ledgered-write.ts';
import type { AuditDeps } from './deps.ts';
import { integratedEntry } from './entries.ts';
import { AUDIT_KINDS, findingSubject, reportSubject } from './kinds.ts';
import { type ControlEntry, controlEntries, findingChanges, reportViolations } from './rules.ts';
import { REPORT_PAYLOAD_SCHEMA, REPORT_SCHEMA, type ReportRequest } from './schemas.ts';
import {
  closeFinding,
  insertFinding,
  insertReport,
  lockAudit,
  openFindings,
  reportExists,
} from './store.ts';

const SUBMISSION = submissionSchema(REPORT_PAYLOAD_SCHEMA, false);

type ReportPayload = {
  kind: ReportRequest['kind'];
  reportSha256: string;
  generatedAt: string;
  stage?: string;
  controls: ControlEntry[];
};

const ENTRY_SCHEMA = {
  type: 'object',
  required: ['index', 'leafHash'],
  properties: { index: { type: 'integer' }, leafHash: { type: 'string' } },
};

export function reportRoutes(app: Hono<{ Variables: AppVariables }>, deps: AuditDeps): void {
  const stageIds = new Set(deps.stages.map((s) => s.id));
  registerRoute({
    method: 'post',
    path: '/v1/audit/reports',
    operationId: 'fileAuditReport',
    summary:
      'File an audit or feasibility report’s SHA-256 as a log entry; failed controls open findings, passing ones close them',
    tags: ['audit'],
    security: 'bearer',
    requestBody: REPORT_SCHEMA,
    responses: {
      '201': {
        description: 'filed, with its integrated log entry and the findings it opened and closed',
        schema: {
          type: 'object',
          required: ['reportId', 'entry'],
          properties: {
            reportId: { type: 'string' },
            entry: ENTRY_SCHEMA,
            findingsOpened: { type: 'array', items: { type: 'string' } },
            findingsClosed: { type: 'array', items: { type: 'string' } },
          },
        },
      },
      '400': { description: 'malformed report', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '409': { description: 'REPORT_ALREADY_FILED', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '422': {
        description: 'a control listed twice, a future time, a stage not in the calendar',
        schema: ERROR_SCHEMA,
      },
    },
  });
  app.post('/v1/audit/reports', async (c) => {
    // Attacker-controlled: every field (REPORT_SCHEMA closes every object).
    const req = validate<ReportRequest>(REPORT_SCHEMA, await readJsonBody(c));
    const id = req.reportSha256;
    const exists = await reportExists(deps.db, id);
    const controls = controlEntries(req.controls);
    const payload: ReportPayload = {
      kind: req.kind,
      reportSha256: id,
      generatedAt: req.generatedAt,
      ...(req.stage === undefined ? {} : { stage: req.stage }),
      controls,
    };
    let opened: string[] = [];
    let closed: string[] = [];
    const def: WriteDefinition<ReportPayload> = {
      kind: AUDIT_KINDS.reportFiled,
      action: 'audit.file',
      payloadSchema: REPORT_PAYLOAD_SCHEMA,
      resource: () => ({ type: 'Log' }),
      // Separation of duties in the policy: KPU IT (ADMIN) files feasibility
      // evidence of its own systems, only the internal audit files audits.
      context: (p) => ({ kind: p.kind }),
      deviceSigned: false,
      subjectMatches: (s) => s === reportSubject(id),
      rules: () => {
        if (exists)
          throw new ApiError(409, 'REPORT_ALREADY_FILED', `report ${id} is filed already`);
        return reportViolations(req, now(deps), stageIds);
      },
      async apply(tx, w) {
        // A shared commit that failed re-runs this job alone: start afresh.
        opened = [];
        closed = [];
        await lockAudit(tx);
        await insertReport(tx, {
          id,
          kind: req.kind,
          generatedAt: req.generatedAt,
          stage: req.stage ?? null,
          controls,
          filedBy: w.principal.id,
          pendingId: w.pendingId,
        });
        const changes = findingChanges(id, controls, await openFindings(tx));
        // The report's filer is the actor of the findings it opens and closes:
        // they are consequences of what that officer filed.
        const actor = { id: w.principal.id, role: w.principal.role };
        const drafts: VersionDraft[] = [
          ...changes.open.map(
            (f): VersionDraft => ({
              kind: AUDIT_KINDS.findingOpened,
              subject: findingSubject(f.id),
              seq: 1,
              actor,
              payload: {
                finding: f.id,
                control: f.control.id,
                severity: f.control.severity,
                summary: f.control.summary,
                redacted: f.control.redacted,
                report: id,
                reportKind: req.kind,
              },
            }),
          ),
          ...changes.close.map(
            (f): VersionDraft => ({
              kind: AUDIT_KINDS.findingClosed,
              subject: findingSubject(f.id),
              seq: 2,
              actor,
              after: [AUDIT_KINDS.findingOpened],
              reason: `control ${f.control} passed in report ${id}`,
              payload: { finding: f.id, control: f.control, report: id },
            }),
          ),
        ];
        const appended = await appendVersions(tx, drafts);
        for (const [i, f] of changes.open.entries()) {
          await insertFinding(tx, {
            id: f.id,
            control: f.control,
            openedBy: id,
            pendingId: appended[i]!.pendingId,
          });
          opened.push(f.id);
        }
        for (const [i, f] of changes.close.entries()) {
          await closeFinding(tx, f.id, id, appended[changes.open.length + i]!.pendingId);
          closed.push(f.id);
        }
      },
    };
    let receipt: Awaited<ReturnType<typeof performWrite>>;
    try {
      receipt = await performWrite(deps.writes, def, SUBMISSION, c.get('principal'), {
        subject: reportSubject(id),
        seq: 1,
        payload,
      });
    } catch (e) {
      // Two filings of the same report at once: the subject log refused the second.
      if (e instanceof ApiError && e.code === 'VERSION_EXISTS')
        throw new ApiError(409, 'REPORT_ALREADY_FILED', `report ${id} is filed already`);
      throw e;
    }
    const entry = await integratedEntry(deps.writes.store, receipt);
    return c.json({ reportId: id, entry, findingsOpened: opened, findingsClosed: closed }, 201);
  });
}

export const now = (deps: AuditDeps) => (deps.now ?? Date.now)();
export { ENTRY_SCHEMA };

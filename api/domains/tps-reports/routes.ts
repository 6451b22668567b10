/**
 * Election-day TPS reports over HTTP: device-signed submissions and corrections
 * as ledgered writes (schemas.ts, rules.ts and store.ts wired into the one write
 * path), and the public history of a TPS.
 */
import type { Hono } from 'hono';
import { base64, type Db } from '../../../ledger/index.ts';
import { isTpsCode, TPS_CODE_PATTERN } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { badRequest } from '../../errors.ts';
import { registerRoute } from '../../schemas.ts';
import type { WriteDefinition, WriteServices } from '../../write/ledgered-write.ts';
import { mountWrite } from '../../write/routes.ts';
import { reportRules, reportSubject, versionRules } from './rules.ts';
import { PAYLOAD_SCHEMA, type TpsReportPayload } from './schemas.ts';
import { reportRow, reportsOf } from './store.ts';

function definition(correction: boolean): WriteDefinition<TpsReportPayload> {
  return {
    kind: correction ? 'tps.report.corrected' : 'tps.report.submitted',
    action: correction ? 'results.correct' : 'results.submit',
    payloadSchema: PAYLOAD_SCHEMA,
    resource: (p) => ({ type: 'Area', code: p.tps }),
    deviceSigned: true,
    subjectMatches: (subject, p) => subject === reportSubject(p),
    rules: (p, seq) => [...reportRules(p), ...versionRules(correction, seq)],
    rows: (w) => [reportRow(w)],
  };
}

export const submitReport = definition(false);
export const correctReport = definition(true);

export function tpsReportRoutes(
  app: Hono<{ Variables: AppVariables }>,
  svc: WriteServices,
  db: Db,
): void {
  mountWrite(app, svc, '/v1/tps-reports', submitReport, {
    operationId: 'submitTpsReport',
    summary:
      'Submit a TPS report (opening, closing, incident, objection), signed by the KPPS device',
    tag: 'tps-reports',
  });
  mountWrite(app, svc, '/v1/tps-reports/corrections', correctReport, {
    operationId: 'correctTpsReport',
    summary: 'Correct a TPS report: a new version with a reason, by PPK or above',
    tag: 'tps-reports',
  });
  registerRoute({
    method: 'get',
    path: '/v1/tps-reports',
    operationId: 'listTpsReports',
    summary: 'Every version of every report of a TPS, with the log entry hash each comes from',
    tags: ['tps-reports'],
    security: 'public',
    parameters: [
      {
        name: 'tps',
        in: 'query',
        required: true,
        schema: { type: 'string', pattern: TPS_CODE_PATTERN },
        description: 'TPS code',
      },
    ],
    responses: { '200': { description: 'reports, oldest version first' } },
  });
  app.get('/v1/tps-reports', async (c) => {
    const tps = c.req.query('tps');
    if (!isTpsCode(tps)) throw badRequest('BAD_PARAMETER', 'tps must be a 13-digit TPS code');
    const rows = await reportsOf(db, tps);
    return c.json({
      tps,
      reports: rows.map((r) => ({
        subject: r.subject,
        seq: r.seq,
        type: r.type,
        occurredAt: new Date(r.occurred_at).toISOString(),
        description: r.description,
        officer: r.officer_id,
        entryHash: base64(r.entry_hash),
      })),
    });
  });
}

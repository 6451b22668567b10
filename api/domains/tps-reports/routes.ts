/** Election-day TPS reports: device-signed submissions, corrections, public reads. */

import type { Hono } from 'hono';
import { base64, type Db } from '../../../ledger/index.ts';
import { isTpsCode, TPS_CODE_PATTERN } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { badRequest } from '../../errors.ts';
import { registerRoute } from '../../schemas.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import { mountWrite } from '../../write/routes.ts';
import { correctReport, submitReport } from './definition.ts';

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
    const rows = await db.query<{
      subject: string;
      seq: number;
      type: string;
      occurred_at: Date | string;
      description: string;
      officer_id: string;
      entry_hash: Uint8Array;
    }>(
      'SELECT subject, seq, type, occurred_at, description, officer_id, entry_hash FROM tps_reports WHERE tps = $1 ORDER BY subject, seq',
      [tps],
    );
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

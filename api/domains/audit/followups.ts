/**
 * `POST /v1/audit/findings/{id}/followups` (policy `audit.followup`): records a
 * follow-up action against an open finding — who (the actor of the entry), what
 * was done, and the SHA-256 of the evidence — as a log entry. A follow-up never
 * closes the finding: only a later report in which its control passes does
 * (issue #13). An unknown finding is 404, a closed one 409 FINDING_CLOSED. A
 * follow-up's id is derived from what it records (finding, officer, action,
 * evidence), so the same follow-up sent twice (a retry) is 409
 * FOLLOWUP_ALREADY_RECORDED and appends nothing.
 */
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
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
import { AUDIT_KINDS, followupSubject } from './kinds.ts';
import { ENTRY_SCHEMA } from './reports.ts';
import { FINDING_ID } from './rules.ts';
import { FOLLOWUP_PAYLOAD_SCHEMA, FOLLOWUP_SCHEMA, type FollowupRequest } from './schemas.ts';
import { type FindingState, findingState, insertFollowup, lockAudit } from './store.ts';

const SUBMISSION = submissionSchema(FOLLOWUP_PAYLOAD_SCHEMA, false);

type FollowupPayload = { finding: string; action: string; evidenceSha256?: string };

function refuse(id: string, state: FindingState): ApiError | null {
  if (state === 'unknown') return new ApiError(404, 'UNKNOWN_FINDING', `no finding ${id}`);
  if (state === 'closed')
    return new ApiError(
      409,
      'FINDING_CLOSED',
      `finding ${id} is closed: a follow-up is recorded against an open finding`,
    );
  return null;
}

export function followupRoutes(app: Hono<{ Variables: AppVariables }>, deps: AuditDeps): void {
  registerRoute({
    method: 'post',
    path: '/v1/audit/findings/{id}/followups',
    operationId: 'recordFollowup',
    summary:
      'Record a follow-up action (what, evidence hash; the officer is the entry’s actor) against an open finding; it does not close it',
    tags: ['audit'],
    security: 'bearer',
    requestBody: FOLLOWUP_SCHEMA,
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: 'finding id',
      },
    ],
    responses: {
      '201': {
        description: 'recorded, with its integrated log entry',
        schema: {
          type: 'object',
          properties: {
            followupId: { type: 'string' },
            finding: { type: 'string' },
            entry: ENTRY_SCHEMA,
          },
        },
      },
      '400': { description: 'malformed request', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '404': { description: 'UNKNOWN_FINDING', schema: ERROR_SCHEMA },
      '409': { description: 'FINDING_CLOSED or FOLLOWUP_ALREADY_RECORDED', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '422': { description: 'the action text holds a NIK-shaped number', schema: ERROR_SCHEMA },
    },
  });
  app.post('/v1/audit/findings/:id/followups', async (c) => {
    const finding = c.req.param('id');
    const req = validate<FollowupRequest>(FOLLOWUP_SCHEMA, await readJsonBody(c));
    const state: FindingState = FINDING_ID.test(finding)
      ? await findingState(deps.db, finding)
      : 'unknown';
    const principal = c.get('principal');
    const who = principal.kind === 'officer' ? principal.id : '';
    const id = `fu-${createHash('sha256')
      .update(JSON.stringify([finding, who, req.action, req.evidenceSha256 ?? null]))
      .digest('hex')
      .slice(0, 32)}`;
    const payload: FollowupPayload = {
      finding,
      action: req.action,
      ...(req.evidenceSha256 === undefined ? {} : { evidenceSha256: req.evidenceSha256 }),
    };
    const def: WriteDefinition<FollowupPayload> = {
      kind: AUDIT_KINDS.followupRecorded,
      action: 'audit.followup',
      payloadSchema: FOLLOWUP_PAYLOAD_SCHEMA,
      resource: () => ({ type: 'Log' }),
      deviceSigned: false,
      subjectMatches: (s) => s === followupSubject(id),
      rules: () => {
        const no = refuse(finding, state);
        if (no) throw no;
        return [];
      },
      async apply(tx, w) {
        await lockAudit(tx);
        // Closed since it was read (a report filed meanwhile): refused, nothing stored.
        const no = refuse(finding, await findingState(tx, finding));
        if (no) throw no;
        await insertFollowup(tx, {
          id,
          finding,
          action: req.action,
          evidenceSha256: req.evidenceSha256 ?? null,
          actorId: w.principal.id,
          actorRole: w.principal.role,
          pendingId: w.pendingId,
        });
      },
    };
    let receipt: Awaited<ReturnType<typeof performWrite>>;
    try {
      receipt = await performWrite(deps.writes, def, SUBMISSION, principal, {
        subject: followupSubject(id),
        seq: 1,
        payload,
      });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'VERSION_EXISTS')
        throw new ApiError(409, 'FOLLOWUP_ALREADY_RECORDED', 'this follow-up is recorded already');
      throw e;
    }
    const entry = await integratedEntry(deps.writes.store, receipt);
    return c.json({ followupId: id, finding, entry }, 201);
  });
}

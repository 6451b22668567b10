/**
 * `POST /v1/audit/stages/{id}/open` (policy `stage.open`): opening a stage of the
 * election calendar is an action of its own, and every decision on it — opened,
 * or refused with the list of reasons — is a log entry, a version of the subject
 * `stage:<id>` (issue #13). Refused (409 STAGE_GATE_CLOSED) while the latest
 * audit or feasibility evidence for the stage failed or is older than
 * SAKSI_AUDIT_MAX_AGE, or any finding is open. A stage opens once: the subject
 * log refuses any version after `audit.stage.opened` (its `after` rule), and
 * asking again is 409 STAGE_ALREADY_OPEN, which decides nothing and logs nothing.
 */
import type { Hono } from 'hono';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError, errorBody } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { lookup } from '../../params.ts';
import { ERROR_SCHEMA, registerRoute, validate } from '../../schemas.ts';
import {
  performWrite,
  submissionSchema,
  type WriteDefinition,
} from '../../write/ledgered-write.ts';
import type { Stage } from './calendar.ts';
import type { AuditDeps } from './deps.ts';
import { integratedEntry } from './entries.ts';
import { evaluateGate, sameGate } from './gate.ts';
import { AUDIT_KINDS, stageSubject } from './kinds.ts';
import { ENTRY_SCHEMA, now } from './reports.ts';
import { OPEN_STAGE_SCHEMA, type OpenStageRequest, STAGE_PAYLOAD_SCHEMA } from './schemas.ts';
import { insertStageDecision, lockAudit, stageState } from './store.ts';

const SUBMISSION = submissionSchema(STAGE_PAYLOAD_SCHEMA, false);

export function stageByIdOf(stages: readonly Stage[]) {
  const byId = Object.fromEntries(stages.map((s) => [s.id, s]));
  return (id: string | undefined) => lookup(byId, id);
}

export function stageOpenRoutes(app: Hono<{ Variables: AppVariables }>, deps: AuditDeps): void {
  const stageById = stageByIdOf(deps.stages);
  registerRoute({
    method: 'post',
    path: '/v1/audit/stages/{id}/open',
    operationId: 'openStage',
    summary:
      'Open a stage of the election calendar: refused with the reasons while its evidence fails or is stale or a finding is open; every decision is a log entry',
    tags: ['audit'],
    security: 'bearer',
    requestBody: OPEN_STAGE_SCHEMA,
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: 'stage id',
      },
    ],
    responses: {
      '201': {
        description: 'opened, with the decision’s integrated log entry',
        schema: {
          type: 'object',
          properties: {
            stage: { type: 'string' },
            outcome: { const: 'opened' },
            entry: ENTRY_SCHEMA,
          },
        },
      },
      '400': { description: 'malformed request', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '404': { description: 'UNKNOWN_STAGE', schema: ERROR_SCHEMA },
      '409': {
        description:
          'STAGE_GATE_CLOSED (refused and logged: error.reasons, and the decision’s entry), STAGE_ALREADY_OPEN, or GATE_CHANGED (evidence changed while deciding; retry)',
        schema: ERROR_SCHEMA,
      },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
    },
  });
  app.post('/v1/audit/stages/:id/open', async (c) => {
    const stage = stageById(c.req.param('id'));
    if (!stage)
      throw new ApiError(404, 'UNKNOWN_STAGE', `no stage ${c.req.param('id')} in the calendar`);
    // A JSON object: `{}`, or `{"reason": …}`.
    const req = validate<OpenStageRequest>(OPEN_STAGE_SCHEMA, await readJsonBody(c));
    const at = now(deps);
    const state = await stageState(deps.db, stage.id);
    const gate = await evaluateGate(deps.db, stage.id, at, deps.maxAgeSeconds);
    const outcome = gate.reasons.length === 0 ? 'opened' : 'refused';
    const seq = state.seq + 1;
    const payload = {
      stage: stage.id,
      name: stage.name,
      starts: stage.starts,
      ends: stage.ends,
      outcome,
      reasons: gate.reasons,
      evidence: gate.evidence,
      maxAgeSeconds: deps.maxAgeSeconds,
      ...(req.reason === undefined ? {} : { reason: req.reason }),
    };
    const def: WriteDefinition<typeof payload> = {
      kind: outcome === 'opened' ? AUDIT_KINDS.stageOpened : AUDIT_KINDS.stageRefused,
      action: 'stage.open',
      payloadSchema: STAGE_PAYLOAD_SCHEMA,
      resource: () => ({ type: 'Log' }),
      deviceSigned: false,
      subjectMatches: (s) => s === stageSubject(stage.id),
      // Nothing follows an opening: a stage opens once.
      after: [AUDIT_KINDS.stageRefused],
      rules: () => {
        if (state.opened)
          throw new ApiError(409, 'STAGE_ALREADY_OPEN', `stage ${stage.id} is open already`);
        return [];
      },
      async apply(tx, w) {
        await lockAudit(tx);
        if (!sameGate(gate, await evaluateGate(tx, stage.id, at, deps.maxAgeSeconds)))
          throw new ApiError(409, 'GATE_CHANGED', 'the evidence changed while deciding; ask again');
        await insertStageDecision(tx, {
          stage: stage.id,
          seq,
          outcome,
          reasons: gate.reasons,
          actorId: w.principal.id,
          pendingId: w.pendingId,
        });
      },
    };
    const receipt = await performWrite(deps.writes, def, SUBMISSION, c.get('principal'), {
      subject: stageSubject(stage.id),
      seq,
      payload,
      // Every version after the first states why it exists (the subject log's rule).
      reason:
        req.reason ??
        (outcome === 'opened'
          ? 'the stage gate is open'
          : `the stage gate is closed: ${gate.reasons.map((r) => r.code).join(', ')}`),
    });
    const entry = await integratedEntry(deps.writes.store, receipt);
    if (outcome === 'opened') return c.json({ stage: stage.id, outcome, entry }, 201);
    const body = errorBody(
      'STAGE_GATE_CLOSED',
      `stage ${stage.id} may not open: ${gate.reasons.map((r) => r.message).join('; ')}`,
    );
    return c.json(
      { error: { ...body.error, reasons: gate.reasons }, stage: stage.id, outcome, entry },
      409,
    );
  });
}

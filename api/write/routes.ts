/**
 * Mounts a WriteDefinition as `POST <path>`: the submission schema (validation
 * and OpenAPI from one source), `Idempotency-Key`, and `?wait=integrated`.
 */
import type { Hono } from 'hono';
import type { JsonObject } from '../../ledger/index.ts';
import type { AppVariables } from '../auth/principal.ts';
import { badRequest } from '../errors.ts';
import { readJsonBody } from '../json-body.ts';
import { actionOf, routeKey } from '../route-actions.ts';
import { ERROR_SCHEMA, registerRoute } from '../schemas.ts';
import {
  performWrite,
  submissionSchema,
  type WriteDefinition,
  type WriteServices,
  waitIntegrated,
} from './ledgered-write.ts';

/** A route mounted with an action that api/route-actions.ts does not state: a programming error. */
export class RouteActionError extends Error {
  readonly code = 'ROUTE_ACTION_MISMATCH' as const;
}

export const RECEIPT_SCHEMA = {
  type: 'object',
  required: ['kind', 'subject', 'seq', 'entryHash', 'pendingId'],
  properties: {
    kind: { type: 'string' },
    subject: { type: 'string' },
    seq: { type: 'integer' },
    entryHash: { type: 'string', description: 'standard base64 RFC 9162 leaf hash of the entry' },
    pendingId: { type: 'integer' },
    index: { type: 'integer', description: 'with ?wait=integrated' },
    checkpoint: {
      type: 'string',
      description: 'with ?wait=integrated: the signed checkpoint covering the entry',
    },
    treeSize: { type: 'integer' },
    inclusionProof: { type: 'array', items: { type: 'string' } },
  },
};

export function mountWrite<P extends JsonObject>(
  app: Hono<{ Variables: AppVariables }>,
  svc: WriteServices,
  path: string,
  def: WriteDefinition<P>,
  doc: { operationId: string; summary: string; tag: string },
): void {
  // The definition's action must be the one api/route-actions.ts states for this
  // route: the map is what /openapi.json and the route tests read.
  const stated = actionOf(routeKey('POST', path));
  if (stated !== def.action)
    throw new RouteActionError(
      `POST ${path} performs ${def.action}, but api/route-actions.ts states ${stated ?? 'nothing'}`,
    );
  const schema = submissionSchema(def.payloadSchema, def.deviceSigned);
  registerRoute({
    method: 'post',
    path,
    operationId: doc.operationId,
    summary: doc.summary,
    tags: [doc.tag],
    security: 'bearer',
    requestBody: schema,
    parameters: [
      {
        name: 'wait',
        in: 'query',
        required: false,
        schema: { enum: ['integrated'] },
        description: 'answer once the entry is in a signed checkpoint, with its inclusion proof',
      },
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
        description:
          'a retried request with the same key returns the first receipt and appends nothing',
      },
    ],
    responses: {
      '201': { description: 'stored with its log entry', schema: RECEIPT_SCHEMA },
      '400': { description: 'malformed request', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '403': {
        description: 'not allowed by policy, or bad device signature',
        schema: ERROR_SCHEMA,
      },
      '409': { description: 'version conflict or replay', schema: ERROR_SCHEMA },
      '422': { description: 'domain rules failed', schema: ERROR_SCHEMA },
      '503': { description: 'overloaded; retry after Retry-After', schema: ERROR_SCHEMA },
    },
  });
  app.post(path, async (c) => {
    const wait = c.req.query('wait');
    if (wait !== undefined && wait !== 'integrated')
      throw badRequest('BAD_PARAMETER', 'wait must be "integrated"');
    const body = await readJsonBody(c);
    const receipt = await performWrite(svc, def, schema, c.get('principal'), body, {
      idempotencyKey: c.req.header('idempotency-key'),
    });
    return c.json(wait === 'integrated' ? await waitIntegrated(svc.store, receipt) : receipt, 201);
  });
}

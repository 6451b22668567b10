/**
 * What every finance write shares: the domain's dependencies, the policy
 * actions, the OpenAPI description of a write, and `write` — a ledgered write
 * (performWrite) whose payload the route built from the request, so no device
 * signature: the bearer token authenticates.
 */
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { Db, JsonObject } from '../../../ledger/index.ts';
import type { AppVariables, OfficerPrincipal } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { ERROR_SCHEMA, type JsonSchema, registerRoute } from '../../schemas.ts';
import {
  performWrite,
  submissionSchema,
  type Violation,
  type WriteContext,
  type WriteDefinition,
  type WriteServices,
} from '../../write/ledgered-write.ts';
import { RECEIPT_SCHEMA } from '../../write/routes.ts';
import type { FinanceKeys } from './crypto.ts';
import { type ParticipantRow, participant } from './store.ts';

export interface FinanceDeps {
  writes: WriteServices;
  db: Db;
  keys: FinanceKeys;
  /** The role of an officer, or null if there is none (identity's directory). */
  officerRole: (id: string) => Promise<string | null>;
}

export type App = Hono<{ Variables: AppVariables }>;
type Principal = AppVariables['principal'];

export const MANAGE = 'finance.manage';
export const FILE = 'finance.file';
export const OPEN = 'finance.donor.open';

export function doc(
  path: string,
  operationId: string,
  summary: string,
  body: JsonSchema,
  extra = {},
) {
  registerRoute({
    method: 'post',
    path,
    operationId,
    summary,
    tags: ['finance'],
    security: 'bearer',
    requestBody: body as never,
    responses: {
      '201': { description: 'stored with its log entry', schema: RECEIPT_SCHEMA },
      '400': {
        description: 'malformed request (amounts are positive integer rupiah)',
        schema: ERROR_SCHEMA,
      },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '404': { description: 'no such account or record', schema: ERROR_SCHEMA },
      '409': { description: 'a concurrent change or a replayed version', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '422': { description: 'finance rules failed', schema: ERROR_SCHEMA },
      '503': { description: 'overloaded; retry after Retry-After', schema: ERROR_SCHEMA },
      ...extra,
    },
  });
}

/** One submission schema per payload schema: ajv compiles each schema object once (schemas.ts). */
const submissions = new WeakMap<JsonSchema, JsonSchema>();
function submissionOf(payload: JsonSchema): JsonSchema {
  let s = submissions.get(payload);
  if (!s) {
    s = submissionSchema(payload, false);
    submissions.set(payload, s);
  }
  return s;
}

/** A ledgered write whose payload the route built (no device signature: the bearer token authenticates). */
export function write<P extends JsonObject>(
  writes: WriteServices,
  principal: Principal,
  w: {
    kind: string;
    action: string;
    schema: JsonSchema;
    subject: string;
    seq: number;
    reason?: string | undefined;
    payload: P;
    area: string;
    context?: (p: OfficerPrincipal) => Record<string, boolean>;
    rules?: () => Violation[];
    rows?: WriteDefinition<P>['rows'];
    apply?: (
      tx: Parameters<NonNullable<WriteDefinition<P>['apply']>>[0],
      w: WriteContext<P>,
    ) => Promise<void>;
    after?: readonly string[];
    constraints?: WriteDefinition<P>['constraints'];
  },
) {
  const def: WriteDefinition<P> = {
    kind: w.kind,
    action: w.action,
    payloadSchema: w.schema,
    resource: () => ({ type: 'Area', code: w.area }),
    ...(w.context ? { context: (_p, who) => w.context!(who) } : {}),
    deviceSigned: false,
    subjectMatches: (s) => s === w.subject,
    ...(w.rules ? { rules: () => w.rules!() } : {}),
    ...(w.rows ? { rows: w.rows } : {}),
    ...(w.apply ? { apply: w.apply } : {}),
    ...(w.after ? { after: w.after } : {}),
    ...(w.constraints ? { constraints: w.constraints } : {}),
  };
  return performWrite(writes, def, submissionOf(w.schema), principal, {
    subject: w.subject,
    seq: w.seq,
    payload: w.payload,
    ...(w.reason !== undefined ? { reason: w.reason } : {}),
  });
}

export async function knownParticipant(db: Db, id: string): Promise<ParticipantRow> {
  const p = await participant(db, id);
  if (!p) throw new ApiError(404, 'UNKNOWN_ACCOUNT', `there is no campaign account ${id}`);
  return p;
}
export const isFiler = (p: ParticipantRow) => (who: OfficerPrincipal) => ({
  filer: who.id === p.filer,
});
export const newSubject = (prefix: string) => `${prefix}:${randomBytes(16).toString('hex')}`;
export const CONCURRENT = {
  status: 409 as const,
  code: 'CONCURRENT_CHANGE',
  message: 'changed concurrently; retry',
};

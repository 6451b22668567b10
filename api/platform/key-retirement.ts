/**
 * `POST /v1/keys/retire` (ADMIN; policy action `key.retire`): retires every
 * version of the token key up to and including `version`. A retired version
 * verifies nothing: bearer tokens it signed stop authenticating at once on this
 * node and within KEY_REFRESH_MS on every other (api/auth/tokens.ts). After a
 * compromise: rotate, then retire the version before the new one (SECURITY.md).
 *
 * The retirement is a log entry (`system.key.retired`, subject
 * `key:token:retired`), written BEFORE the key service retires the versions: if
 * the key service then fails, the same request again finds the entry already
 * there (recordActivations appends only a payload that changed) and completes the
 * retirement, so the log and the key service converge instead of the log missing
 * a retirement that took effect.
 *
 * Only the token key: log-key versions stay listed because the checkpoints they
 * signed are history anyone may check; a log key is replaced by the hand-over
 * (./key-rotation.ts), and after a log-key compromise auditors re-pin out of band
 * (docs/keys.md).
 */
import type { Hono } from 'hono';
import {
  checkRetirement,
  KeyError,
  type KeyVersions,
  type RotatingKeyService,
} from '../../keys/index.ts';
import { keyId } from '../auth/jwt.ts';
import type { AppVariables } from '../auth/principal.ts';
import { authorizeRoute, type Decisions } from '../authorize.ts';
import { ApiError } from '../errors.ts';
import { readJsonBody } from '../json-body.ts';
import type { Runtime } from '../runtime.ts';
import { ERROR_SCHEMA, registerRoute, validate } from '../schemas.ts';
import { recordActivations } from './activation.ts';

const BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['label', 'version'],
  properties: {
    label: { enum: ['token'] },
    version: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  },
};

/** What refreshes the bearer-token verifier of this node after a retirement. */
export interface TokenKeys {
  refreshKeys(): Promise<void>;
}

export function keyRetirementRoutes(
  app: Hono<{ Variables: AppVariables }>,
  rt: Runtime,
  decisions: Decisions,
  tokens: TokenKeys,
): void {
  registerRoute({
    method: 'post',
    path: '/v1/keys/retire',
    operationId: 'retireKey',
    summary:
      'Retire every version of the token key up to `version`: tokens they signed stop authenticating; a log entry',
    tags: ['keys'],
    security: 'bearer',
    requestBody: BODY,
    responses: {
      '200': {
        description: 'retired',
        schema: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            current: { type: 'integer' },
            retiredThrough: { type: 'integer' },
            index: { type: 'integer' },
          },
        },
      },
      '403': { description: 'not allowed', schema: ERROR_SCHEMA },
      '404': { description: 'no such key version', schema: ERROR_SCHEMA },
      '409': { description: 'the current version, or one already retired', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
    },
  });
  app.post('/v1/keys/retire', async (c) => {
    const principal = c.get('principal');
    if (principal.kind !== 'officer')
      throw new ApiError(401, 'UNAUTHENTICATED', 'retiring a key needs an officer token');
    const body = await readJsonBody(c);
    const { label, version } = validate<{ label: 'token'; version: number }>(BODY, body);
    authorizeRoute(decisions, 'POST /v1/keys/retire', principal, { type: 'Log' });
    const keys = rt.keys as Partial<RotatingKeyService>;
    if (typeof keys.retire !== 'function' || typeof keys.versions !== 'function')
      throw new ApiError(409, 'NOT_ROTATABLE', 'this key service cannot retire key versions');
    const service = keys as RotatingKeyService;
    const before = await service.versions(label);
    await asApiError(() => checkRetirement(before, version));
    const retiring = (await service.publicKeys(label)).filter((k) => k.version <= version);
    const [pendingId] = await recordActivations(rt.db, [
      {
        subject: `key:${label}:retired`,
        kind: 'system.key.retired',
        payload: {
          label,
          retiredThrough: version,
          // JWT `kid`s (RFC 7638 thumbprints): what a token names its key by.
          keys: retiring.map((k) => ({ version: k.version, kid: keyId(k.publicKey) })),
        },
        reason: `${label} key versions up to ${version} retired through the API`,
      },
    ]);
    const after: KeyVersions = await asApiError(() => service.retire(label, version));
    await tokens.refreshKeys();
    rt.sequencer.poke();
    const index =
      pendingId === undefined
        ? undefined
        : (await rt.store.waitIntegrated([pendingId], 30_000)).get(pendingId);
    return c.json({ ...after, ...(index === undefined ? {} : { index }) });
  });
}

/** KeyError's refusals are the client's to fix; anything else stays a 500. */
async function asApiError<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    if (e.code === 'UNKNOWN_KEY_VERSION') throw new ApiError(404, e.code, e.message);
    if (e.code === 'KEY_VERSION_CURRENT' || e.code === 'KEY_VERSION_RETIRED')
      throw new ApiError(409, e.code, e.message);
    throw e;
  }
}

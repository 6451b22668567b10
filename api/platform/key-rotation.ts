/**
 * `POST /v1/keys/rotate` (ADMIN; policy action `key.rotate`): rotates the token or
 * the log key in the key service and makes the rotation a log entry.
 *
 * For the log key the order matters: the entry announcing the new verifier key
 * is integrated and signed by the OLD key first, and only then does the
 * sequencer switch keys. Every checkpoint before the switch verifies with the old
 * key (still listed by the key service), and the hand-over itself is signed
 * history: a verifier holding the old key can read which key comes next.
 */
import type { Hono } from 'hono';
import type { RotatingKeyService } from '../../keys/index.ts';
import { verifierKeyOf } from '../../ledger/index.ts';
import type { AppVariables } from '../auth/principal.ts';
import { TOKEN_KEY_NAME } from '../auth/tokens.ts';
import { ApiError } from '../errors.ts';
import { readJsonBody } from '../json-body.ts';
import type { Runtime } from '../runtime.ts';
import { ERROR_SCHEMA, registerRoute, validate } from '../schemas.ts';
import type { Authorizer } from '../write/authorizer.ts';
import { recordActivations } from './activation.ts';

const BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['label'],
  properties: { label: { enum: ['log', 'token'] } },
};

export function keyRotationRoutes(
  app: Hono<{ Variables: AppVariables }>,
  rt: Runtime,
  authorizer: Authorizer,
): void {
  registerRoute({
    method: 'post',
    path: '/v1/keys/rotate',
    operationId: 'rotateKey',
    summary:
      'Rotate the log or token key; the new verifier key is announced in the log (under the old key for the log key)',
    tags: ['keys'],
    security: 'bearer',
    requestBody: BODY,
    responses: {
      '200': {
        description: 'rotated',
        schema: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            verifierKey: { type: 'string' },
            index: { type: 'integer' },
          },
        },
      },
      '403': { description: 'not allowed', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
    },
  });
  app.post('/v1/keys/rotate', async (c) => {
    const principal = c.get('principal');
    if (principal.kind !== 'officer')
      throw new ApiError(401, 'UNAUTHENTICATED', 'rotating a key needs an officer token');
    const body = await readJsonBody(c);
    const { label } = validate<{ label: 'log' | 'token' }>(BODY, body);
    if (!authorizer.authorize(principal, 'key.rotate', { type: 'Log' }).allowed)
      throw new ApiError(403, 'FORBIDDEN', `${principal.role} may not rotate keys`);
    const keys = rt.keys as Partial<RotatingKeyService>;
    if (typeof keys.rotate !== 'function')
      throw new ApiError(409, 'NOT_ROTATABLE', 'this key service cannot rotate keys');
    await keys.rotate(label);
    const name = label === 'log' ? rt.config.origin : TOKEN_KEY_NAME;
    const signer = await rt.keys.signer(label, name);
    const verifierKey = verifierKeyOf(signer);
    const [pendingId] = await recordActivations(rt.db, [
      { subject: `key:${label}`, kind: 'system.key.activated', payload: { label, verifierKey } },
    ]);
    rt.sequencer.poke();
    const found =
      pendingId === undefined
        ? new Map<number, number>()
        : await rt.store.waitIntegrated([pendingId], 30_000);
    if (label === 'log') {
      rt.sequencer.setSigner(signer);
      rt.logSigner = signer;
      rt.verifierKey = verifierKey;
    }
    return c.json({
      label,
      verifierKey,
      ...(pendingId === undefined ? {} : { index: found.get(pendingId) }),
    });
  });
}

/**
 * `POST /v1/keys/rotate` (policy action `key.rotate`: ADMIN): rotates the token or
 * the log key in the key service and makes the rotation a log entry.
 *
 * The log key is handed over in signed history (docs/keys.md, "The log-key
 * hand-over"), so that a verifier pinned to the old key can follow and one given
 * the new key can verify at once:
 *
 *  1. the sequencer starts signing every checkpoint with BOTH keys;
 *  2. the new verifier key is announced (`system.key.activated`, subject
 *     `key:log`) and integrated: the checkpoint that covers it carries the old
 *     key's signature and the new one's;
 *  3. that checkpoint itself goes into the log (`system.key.handed_over`,
 *     subject `key:log:handover`), so the evidence outlives /log/checkpoint;
 *  4. only then does the sequencer sign with the new key alone and /log/key
 *     serve it. The latest checkpoint (covering step 3) is still signed by both.
 */
import type { Hono } from 'hono';
import type { RotatingKeyService } from '../../keys/index.ts';
import { type NoteSigner, verifierKeyOf } from '../../ledger/index.ts';
import type { AppVariables } from '../auth/principal.ts';
import { TOKEN_KEY_NAME } from '../auth/tokens.ts';
import { authorizeRoute, type Decisions } from '../authorize.ts';
import { ApiError } from '../errors.ts';
import { readJsonBody } from '../json-body.ts';
import type { Runtime } from '../runtime.ts';
import { ERROR_SCHEMA, registerRoute, validate } from '../schemas.ts';
import { type Activation, recordActivations } from './activation.ts';

const BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['label'],
  properties: { label: { enum: ['log', 'token'] } },
};

/** How long a rotation waits for each of its entries to be integrated. */
const INTEGRATION_TIMEOUT_MS = 30_000;

export function keyRotationRoutes(
  app: Hono<{ Variables: AppVariables }>,
  rt: Runtime,
  decisions: Decisions,
): void {
  registerRoute({
    method: 'post',
    path: '/v1/keys/rotate',
    operationId: 'rotateKey',
    summary:
      'Rotate the log or token key; the new verifier key is announced in the log (for the log key, in a checkpoint signed by the old and the new key)',
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
            version: { type: 'integer' },
            verifierKey: { type: 'string' },
            index: { type: 'integer' },
            handOverIndex: { type: 'integer' },
          },
        },
      },
      '403': { description: 'not allowed', schema: ERROR_SCHEMA },
      '409': { description: 'a log-key hand-over is under way', schema: ERROR_SCHEMA },
      '503': { description: 'this node does not sign checkpoints', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
    },
  });
  app.post('/v1/keys/rotate', async (c) => {
    const principal = c.get('principal');
    if (principal.kind !== 'officer')
      throw new ApiError(401, 'UNAUTHENTICATED', 'rotating a key needs an officer token');
    const body = await readJsonBody(c);
    const { label } = validate<{ label: 'log' | 'token' }>(BODY, body);
    authorizeRoute(decisions, 'POST /v1/keys/rotate', principal, { type: 'Log' });
    const keys = rt.keys as Partial<RotatingKeyService>;
    if (typeof keys.rotate !== 'function')
      throw new ApiError(409, 'NOT_ROTATABLE', 'this key service cannot rotate keys');
    if (label === 'log') checkCanHandOver(rt);
    const { version } = await keys.rotate(label);
    if (label === 'token') {
      const signer = await rt.keys.signer('token', TOKEN_KEY_NAME);
      const verifierKey = verifierKeyOf(signer);
      const index = await appendAndWait(rt, announcement('token', verifierKey));
      return c.json({ label, version, verifierKey, ...(index === undefined ? {} : { index }) });
    }
    const next = await rt.keys.signer('log', rt.config.origin);
    const { index, handOverIndex } = await handOverLogKey(rt, next);
    return c.json({ label, version, verifierKey: rt.verifierKey, index, handOverIndex });
  });
}

/** Only the node that signs checkpoints can hand the log key over, one hand-over at a time. */
function checkCanHandOver(rt: Runtime): void {
  if (!rt.sequencer.leading)
    throw new ApiError(
      503,
      'NOT_SEQUENCER',
      'this node does not sign checkpoints: rotate the log key on the node that runs the sequencer',
      { 'Retry-After': '1' },
    );
  if (rt.sequencer.handingOver)
    throw new ApiError(409, 'ROTATION_IN_PROGRESS', 'a log-key hand-over is already under way');
}

/** Steps 1–4 of the file comment. */
async function handOverLogKey(
  rt: Runtime,
  next: NoteSigner,
): Promise<{ index: number; handOverIndex: number }> {
  const from = rt.verifierKey;
  const to = verifierKeyOf(next);
  rt.sequencer.beginHandOver(next);
  const index = await appendAndWait(rt, announcement('log', to));
  if (index === undefined)
    throw new Error(`the log already announces ${to}: a key service that rotated to an old key?`);
  const covering = await checkpointCovering(rt, index);
  const handOverIndex = await appendAndWait(rt, {
    subject: 'key:log:handover',
    kind: 'system.key.handed_over',
    payload: { label: 'log', from, to, announcedAt: index, checkpoint: covering },
    reason: 'the log key was handed over to the key announced before it',
  });
  rt.sequencer.endHandOver();
  rt.logSigner = next;
  rt.verifierKey = to;
  return { index, handOverIndex: handOverIndex! };
}

function announcement(label: 'log' | 'token', verifierKey: string): Activation {
  return {
    subject: `key:${label}`,
    kind: 'system.key.activated',
    payload: { label, verifierKey },
    reason: `the ${label} key was rotated through the API`,
  };
}

/** Appends one entry and waits until it has an index (undefined if it was already recorded). */
async function appendAndWait(rt: Runtime, activation: Activation): Promise<number | undefined> {
  const [pendingId] = await recordActivations(rt.db, [activation]);
  if (pendingId === undefined) return undefined;
  rt.sequencer.poke();
  const found = await rt.store.waitIntegrated([pendingId], INTEGRATION_TIMEOUT_MS);
  return found.get(pendingId);
}

/** The signed note of the newest checkpoint, once it covers entry `index`. */
async function checkpointCovering(rt: Runtime, index: number): Promise<string> {
  const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
  for (;;) {
    const cp = await rt.store.checkpoint();
    if (cp && cp.size > index) return cp.note;
    if (Date.now() > deadline)
      throw new Error(`no checkpoint covers entry ${index} after ${INTEGRATION_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

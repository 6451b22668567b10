/**
 * `Idempotency-Key` on the voter register's writes, with the convention of
 * every other ledgered write (api/write/ledgered-write.ts, api/write/routes.ts):
 * a retry with the same key and the same body answers the first receipt (201)
 * and stores nothing; the same key with another body is `422
 * IDEMPOTENCY_KEY_REUSED`; a malformed key is `400 BAD_IDEMPOTENCY_KEY`. Keys
 * are per officer (`idempotency_keys (principal_id, key)`).
 *
 * Two things differ from the generic write, and are why this file exists:
 *
 * - The submission is not the request: each attempt seals a fresh salt, so its
 *   commitment — and the generic hash of the submission — differs on every
 *   retry. The request hash is therefore taken over the client's own body
 *   (RFC 8785 canonical JSON, with the route), and it is an HMAC under the key
 *   service's `voters.nik-index` key (`VoterKeys.nikMac`, domain-separated by
 *   the prefix; a NIK is 16 digits and never starts with it), not a plain
 *   SHA-256: the body holds a NIK and a name, and a plain hash of a guessable
 *   record in `idempotency_keys.request_hash` could be tested offline.
 * - The register's rules answer a replay before the generic check is reached
 *   (a second registration is `409 DUPLICATE_NIK`, a repeated change `409
 *   VERSION_CONFLICT`): so the key is looked up first, and a 409 from a
 *   concurrent twin is answered with the receipt of the one that won.
 */
import type { Context } from 'hono';
import { canonicalize } from '../../../ledger/index.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import {
  IDEMPOTENCY_KEY,
  previousReceipt,
  type Receipt,
  type WriteServices,
} from '../../write/ledgered-write.ts';
import type { VoterKeys } from './crypto.ts';

export interface IdempotencyOptions {
  idempotencyKey?: string;
  requestHash?: Uint8Array;
}

/** Domain separation of the request digest from the NIK index's own inputs. */
const REQUEST_DIGEST = 'saksi voter request v1';

/**
 * Runs `write` once per (officer, key, request): the receipt of an earlier
 * request with this key and body, or `write` with the key and the request's
 * digest, so the key is claimed in the write's own transaction.
 */
export async function idempotentWrite(
  c: Context<{ Variables: AppVariables }>,
  deps: { writes: WriteServices; keys: VoterKeys },
  route: string,
  request: unknown,
  write: (opts: IdempotencyOptions) => Promise<Receipt>,
): Promise<Receipt> {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return write({});
  const principal = c.get('principal');
  // Not an officer, or a malformed key: the write answers (401, 403, then 400
  // BAD_IDEMPOTENCY_KEY right after authorisation: api/write/ledgered-write.ts).
  if (principal.kind !== 'officer' || !IDEMPOTENCY_KEY.test(key))
    return write({ idempotencyKey: key });
  const requestHash = await deps.keys.nikMac(
    `${REQUEST_DIGEST}\n${route}\n${canonicalize(request)}`,
  );
  const first = await previousReceipt(deps.writes, principal.id, key, requestHash);
  if (first) return first;
  try {
    return await write({ idempotencyKey: key, requestHash });
  } catch (e) {
    // A concurrent twin with the same key committed first: its receipt is this answer too.
    if (e instanceof ApiError && e.status === 409) {
      const won = await previousReceipt(deps.writes, principal.id, key, requestHash);
      if (won) return won;
    }
    throw e;
  }
}

/** The OpenAPI header parameter (api/write/routes.ts words it the same). */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
  description:
    'a retried request with the same key and body returns the first receipt and stores nothing; the same key with another body is 422',
} as const;

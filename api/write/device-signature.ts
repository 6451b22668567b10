/**
 * Device signatures on submissions (ARCHITECTURE.md "Identity"): an officer's
 * device signs the canonical content of what it submits, and the signature goes
 * into the log entry, so anyone can check who submitted what without trusting
 * the server.
 *
 * The signed message is domain-separated (CONVENTIONS.md §7): the label
 * "saksi/submission/v1", a newline, then the RFC 8785 canonical JSON of
 * {kind, subject, seq, payload, reason?} — exactly the entry's fields, so a
 * verifier rebuilds it from the log entry alone.
 */
import { createPublicKey, verify } from 'node:crypto';
import { canonicalBytes, type JsonObject } from '../../ledger/index.ts';

export const SUBMISSION_LABEL = 'saksi/submission/v1\n';

export interface SignedContent {
  kind: string;
  subject: string;
  seq: number;
  payload: JsonObject;
  reason?: string | undefined;
}

export function submissionMessage(c: SignedContent): Uint8Array {
  const body = canonicalBytes({
    kind: c.kind,
    subject: c.subject,
    seq: c.seq,
    payload: c.payload,
    ...(c.reason === undefined ? {} : { reason: c.reason }),
  });
  const label = Buffer.from(SUBMISSION_LABEL, 'utf8');
  return Buffer.concat([label, body]);
}

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): lets node:crypto take
// a raw 32-byte key without a JWK round trip.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keyCache = new Map<string, ReturnType<typeof createPublicKey>>();

/** Verifies an Ed25519 signature with native crypto (the hot path). */
export function verifyDeviceSignature(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const id = Buffer.from(publicKey).toString('base64');
  let key = keyCache.get(id);
  if (!key) {
    key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    });
    if (keyCache.size > 100_000) keyCache.clear();
    keyCache.set(id, key);
  }
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

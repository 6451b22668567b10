/**
 * The device signature on a submitted entry (api/write/device-signature.ts
 * writes the same message): an officer's device signs the label
 * "saksi/submission/v1", a newline, then the RFC 8785 canonical JSON of
 * {kind, subject, seq, payload, reason?} — exactly the entry's fields, so an
 * observer rebuilds it from the log entry alone and checks it with noble's
 * Ed25519 (strict RFC 8032 verification, no ZIP-215 leniency).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { canonicalBytes } from '../canonical.ts';
import { fromBase64, utf8 } from '../encoding.ts';
import type { LoggedEntry } from './proof-schema.ts';

export const SUBMISSION_LABEL = 'saksi/submission/v1\n';

/** The bytes a device signed for this entry. */
export function submissionMessage(e: Omit<LoggedEntry, 'v' | 'prev' | 'at' | 'actor'>): Uint8Array {
  const body = canonicalBytes({
    kind: e.kind,
    subject: e.subject,
    seq: e.seq,
    payload: e.payload,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
  });
  const label = utf8(SUBMISSION_LABEL);
  const message = new Uint8Array(label.length + body.length);
  message.set(label);
  message.set(body, label.length);
  return message;
}

/** Whether the entry's actor key signed it; false for any malformed key or signature. */
export function deviceSignatureHolds(e: LoggedEntry): boolean {
  const { key, sig } = e.actor;
  if (key === undefined || sig === undefined) return false;
  try {
    return ed25519.verify(fromBase64(sig), submissionMessage(e), fromBase64(key), {
      zip215: false,
    });
  } catch {
    return false;
  }
}

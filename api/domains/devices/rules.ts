/**
 * The rules of device keys (issue #3 "Devices"), pure and tested alone
 * (rules.test.ts). An officer's device key becomes usable only through a log
 * entry, so anyone can tell which key belonged to whom when it signed.
 *
 * Enrolment carries a proof of possession: the device's signature over
 * "saksi/device-enrolment/v1\n<officer id>\n<base64 key>", so nobody can enrol a
 * key they do not hold (and later disown its signatures).
 */
import { createHash } from 'node:crypto';
import { verifyDeviceSignature } from '../../write/device-signature.ts';
import type { Violation } from '../../write/ledgered-write.ts';
import type { EnrolPayload } from './schemas.ts';

export const ENROLMENT_LABEL = 'saksi/device-enrolment/v1\n';

/** The log subject of a device: its key's SHA-256, hex, first 16 bytes. */
export function deviceSubject(keyBase64: string): string {
  return `device:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('hex').slice(0, 32)}`;
}

/** What the device signs to prove it holds its key, for one officer. */
export function enrolmentMessage(officer: string, keyBase64: string): Uint8Array {
  return Buffer.from(`${ENROLMENT_LABEL}${officer}\n${keyBase64}`, 'utf8');
}

/** A device is enrolled once (version 1), with a valid proof of possession. */
export function enrolViolations(p: EnrolPayload, seq: number): Violation[] {
  const v: Violation[] = [];
  if (seq !== 1)
    v.push({
      rule: 'enrol-once',
      message: 'a device is enrolled once (version 1); revoke it to end it',
    });
  if (
    !verifyDeviceSignature(
      Buffer.from(p.key, 'base64'),
      enrolmentMessage(p.officer, p.key),
      Buffer.from(p.proof, 'base64'),
    )
  )
    v.push({
      rule: 'proof-of-possession',
      message: 'proof is not the device key’s signature over the enrolment message',
    });
  return v;
}

/** Revocation is version 2 of the device subject: it ends an enrolment, once. */
export function revokeViolations(seq: number): Violation[] {
  return seq === 2
    ? []
    : [{ rule: 'revoke-after-enrol', message: 'revocation is version 2 of the device' }];
}

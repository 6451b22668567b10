/**
 * Device enrolment and revocation as ledgered writes (issue #3 "Devices"): an
 * officer's device key becomes usable only through a log entry, so anyone can
 * tell which key belonged to whom when it signed.
 *
 * Enrolment carries a proof of possession: the device's signature over
 * "saksi/device-enrolment/v1\n<officer id>\n<base64 key>", so nobody can enrol a
 * key they do not hold (and later disown its signatures).
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../../ledger/index.ts';
import { ApiError } from '../../errors.ts';
import { publicText } from '../../public-text.ts';
import { verifyDeviceSignature } from '../../write/device-signature.ts';
import type { WriteDefinition } from '../../write/ledgered-write.ts';
import type { DbDeviceRegistry } from './registry.ts';

export const ENROLMENT_LABEL = 'saksi/device-enrolment/v1\n';

export interface EnrolPayload extends JsonObject {
  officer: string;
  key: string;
  label: string;
  proof: string;
}

export interface RevokePayload extends JsonObject {
  officer: string;
  key: string;
}

const B64_32 = { type: 'string', minLength: 44, maxLength: 44, pattern: '^[A-Za-z0-9+/]{43}=$' };
const B64_64 = { type: 'string', minLength: 88, maxLength: 88, pattern: '^[A-Za-z0-9+/]{86}==$' };
const OFFICER = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' };

/** The log subject of a device: its key's SHA-256, hex, first 16 bytes. */
export function deviceSubject(keyBase64: string): string {
  return `device:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('hex').slice(0, 32)}`;
}

export function enrolmentMessage(officer: string, keyBase64: string): Uint8Array {
  return Buffer.from(`${ENROLMENT_LABEL}${officer}\n${keyBase64}`, 'utf8');
}

type OfficerArea = (officerId: string) => Promise<string | null>;

export function enrolDevice(
  officerArea: OfficerArea,
  registry: DbDeviceRegistry,
): WriteDefinition<EnrolPayload> {
  return {
    kind: 'identity.device.enrolled',
    action: 'device.enroll',
    payloadSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['officer', 'key', 'label', 'proof'],
      properties: {
        officer: OFFICER,
        key: B64_32,
        label: publicText({ minLength: 1, maxLength: 100 }),
        proof: B64_64,
      },
    },
    // The officer's own area: device.enroll is allowed for oneself (context.self),
    // and for others only to roles the policy names (ADMIN).
    resource: (_p, principal) => ({ type: 'Area', code: principal.area }),
    context: (p, principal) => ({ self: p.officer === principal.id }),
    deviceSigned: false,
    subjectMatches: (subject, p) => subject === deviceSubject(p.key),
    rules(p, seq) {
      const v = [];
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
    },
    async apply(tx, w) {
      if ((await officerArea(w.payload.officer)) === null)
        throw new ApiError(422, 'UNKNOWN_OFFICER', `officer ${w.payload.officer} does not exist`);
      await tx.query('INSERT INTO devices (public_key, officer_id, label) VALUES ($1, $2, $3)', [
        Buffer.from(w.payload.key, 'base64'),
        w.payload.officer,
        w.payload.label,
      ]);
      registry.forget(Buffer.from(w.payload.key, 'base64'));
    },
  };
}

export function revokeDevice(registry: DbDeviceRegistry): WriteDefinition<RevokePayload> {
  return {
    kind: 'identity.device.revoked',
    action: 'device.enroll',
    payloadSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['officer', 'key'],
      properties: { officer: OFFICER, key: B64_32 },
    },
    resource: (_p, principal) => ({ type: 'Area', code: principal.area }),
    context: (p, principal) => ({ self: p.officer === principal.id }),
    deviceSigned: false,
    subjectMatches: (subject, p) => subject === deviceSubject(p.key),
    rules: (_p, seq) =>
      seq === 2
        ? []
        : [{ rule: 'revoke-after-enrol', message: 'revocation is version 2 of the device' }],
    async apply(tx, w) {
      const rows = await tx.query(
        'UPDATE devices SET revoked_at = now() WHERE public_key = $1 AND officer_id = $2 AND revoked_at IS NULL RETURNING officer_id',
        [Buffer.from(w.payload.key, 'base64'), w.payload.officer],
      );
      if (rows.length === 0)
        throw new ApiError(422, 'NOT_ENROLLED', 'no such active device for that officer');
      registry.forget(Buffer.from(w.payload.key, 'base64'));
    },
  };
}

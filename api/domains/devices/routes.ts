/**
 * `POST /v1/devices` (enrol) and `POST /v1/devices/revoke`, as ledgered writes:
 * the schemas (schemas.ts), the rules (rules.ts) and the rows (store.ts) wired
 * into the one write path (api/write/).
 */
import type { Hono } from 'hono';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import type { WriteDefinition, WriteServices } from '../../write/ledgered-write.ts';
import { mountWrite } from '../../write/routes.ts';
import { deviceSubject, enrolViolations, revokeViolations } from './rules.ts';
import { ENROL_SCHEMA, type EnrolPayload, REVOKE_SCHEMA, type RevokePayload } from './schemas.ts';
import { type DbDeviceRegistry, insertDevice, markRevoked } from './store.ts';

type OfficerArea = (officerId: string) => Promise<string | null>;

export function enrolDevice(
  officerArea: OfficerArea,
  registry: DbDeviceRegistry,
): WriteDefinition<EnrolPayload> {
  return {
    kind: 'identity.device.enrolled',
    action: 'device.enroll',
    payloadSchema: ENROL_SCHEMA,
    // The officer's own area: device.enroll is allowed for oneself (context.self),
    // and for others only to roles the policy names (ADMIN).
    resource: (_p, principal) => ({ type: 'Area', code: principal.area }),
    context: (p, principal) => ({ self: p.officer === principal.id }),
    deviceSigned: false,
    subjectMatches: (subject, p) => subject === deviceSubject(p.key),
    rules: enrolViolations,
    async apply(tx, w) {
      if ((await officerArea(w.payload.officer)) === null)
        throw new ApiError(422, 'UNKNOWN_OFFICER', `officer ${w.payload.officer} does not exist`);
      const key = Buffer.from(w.payload.key, 'base64');
      await insertDevice(tx, { key, officer: w.payload.officer, label: w.payload.label });
      registry.forget(key);
    },
  };
}

export function revokeDevice(registry: DbDeviceRegistry): WriteDefinition<RevokePayload> {
  return {
    kind: 'identity.device.revoked',
    action: 'device.enroll',
    payloadSchema: REVOKE_SCHEMA,
    resource: (_p, principal) => ({ type: 'Area', code: principal.area }),
    context: (p, principal) => ({ self: p.officer === principal.id }),
    deviceSigned: false,
    subjectMatches: (subject, p) => subject === deviceSubject(p.key),
    rules: (_p, seq) => revokeViolations(seq),
    async apply(tx, w) {
      const key = Buffer.from(w.payload.key, 'base64');
      if (!(await markRevoked(tx, key, w.payload.officer)))
        throw new ApiError(422, 'NOT_ENROLLED', 'no such active device for that officer');
      registry.forget(key);
    },
  };
}

export function deviceRoutes(
  app: Hono<{ Variables: AppVariables }>,
  svc: WriteServices,
  registry: DbDeviceRegistry,
  officerArea: OfficerArea,
): void {
  mountWrite(app, svc, '/v1/devices', enrolDevice(officerArea, registry), {
    operationId: 'enrolDevice',
    summary: 'Enrol an Ed25519 device key to an officer (with proof of possession); a log entry',
    tag: 'devices',
  });
  mountWrite(app, svc, '/v1/devices/revoke', revokeDevice(registry), {
    operationId: 'revokeDevice',
    summary: 'Revoke an enrolled device (version 2 of the device subject); a log entry',
    tag: 'devices',
  });
}

/** `POST /v1/devices` (enrol) and `POST /v1/devices/revoke`. */
import type { Hono } from 'hono';
import type { AppVariables } from '../../auth/principal.ts';
import type { WriteServices } from '../../write/ledgered-write.ts';
import { mountWrite } from '../../write/routes.ts';
import { enrolDevice, revokeDevice } from './definitions.ts';
import type { DbDeviceRegistry } from './registry.ts';

export function deviceRoutes(
  app: Hono<{ Variables: AppVariables }>,
  svc: WriteServices,
  registry: DbDeviceRegistry,
  officerArea: (id: string) => Promise<string | null>,
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

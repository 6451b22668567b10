/**
 * Request payloads of the devices domain (issue #3 "Devices"). Every field is
 * attacker-controlled; the schemas refuse anything they do not name.
 */

import type { JsonObject } from '../../../ledger/index.ts';
import { publicText } from '../../public-text.ts';
import type { JsonSchema } from '../../schemas.ts';

export interface EnrolPayload extends JsonObject {
  officer: string;
  /** The device's Ed25519 public key, standard base64 (32 bytes). */
  key: string;
  label: string;
  /** The device's signature over enrolmentMessage(officer, key), base64 (64 bytes). */
  proof: string;
}

export interface RevokePayload extends JsonObject {
  officer: string;
  key: string;
}

const B64_32 = { type: 'string', minLength: 44, maxLength: 44, pattern: '^[A-Za-z0-9+/]{43}=$' };
const B64_64 = { type: 'string', minLength: 88, maxLength: 88, pattern: '^[A-Za-z0-9+/]{86}==$' };
const OFFICER = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' };

export const ENROL_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['officer', 'key', 'label', 'proof'],
  properties: {
    officer: OFFICER,
    key: B64_32,
    label: publicText({ minLength: 1, maxLength: 100 }),
    proof: B64_64,
  },
};

export const REVOKE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['officer', 'key'],
  properties: { officer: OFFICER, key: B64_32 },
};

/**
 * The JSON Schemas of identity's requests and answers: the single source for
 * validation (ajv, api/schemas.ts) and for /openapi.json. Request bodies are
 * attacker-controlled: unknown fields are refused.
 */
import { ROLES } from '../../auth/principal.ts';
import { publicText } from '../../public-text.ts';
import type { JsonSchema } from '../../schemas.ts';
import { RECEIPT_SCHEMA } from '../../write/routes.ts';
import { MAX_PASSWORD_CHARS, OFFICER_ID, USERNAME } from './rules.ts';

export const AREA = {
  type: 'string',
  pattern: '^(ID|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}|[0-9]{13})$',
};
export const ROLE = { enum: [...ROLES] };
export const OFFICER_REF = {
  type: 'object',
  required: ['id', 'role', 'area'],
  properties: { id: { type: 'string' }, role: ROLE, area: AREA },
};
export const OFFICER = {
  type: 'object',
  required: ['id', 'username', 'role', 'area', 'suspended', 'createdAt'],
  properties: {
    ...OFFICER_REF.properties,
    username: { type: 'string' },
    suspended: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};
export const TOKEN = {
  type: 'object',
  required: ['token', 'expiresAt', 'officer'],
  properties: {
    token: { type: 'string', description: 'EdDSA JWT for Authorization: Bearer' },
    expiresAt: { type: 'string', format: 'date-time' },
    officer: OFFICER_REF,
  },
};
export const WRITTEN = {
  type: 'object',
  required: ['officer', 'receipt'],
  properties: { officer: OFFICER, receipt: RECEIPT_SCHEMA },
};

export const LOGIN_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_CHARS },
  },
};
export const CREATE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password', 'role', 'area'],
  properties: {
    id: publicText({ pattern: OFFICER_ID.source }),
    username: { type: 'string', pattern: USERNAME.source },
    password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_CHARS },
    role: ROLE,
    area: AREA,
  },
};
export const REASON_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: publicText({ minLength: 1, maxLength: 1000 }) },
};
export const DEMO_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['role'],
  properties: { role: ROLE, area: AREA },
};

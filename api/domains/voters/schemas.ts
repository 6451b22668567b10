/**
 * What the voter routes accept (every field attacker-controlled: an officer's
 * client or, for the self-check, anyone) and what the log carries. The request
 * holds personal data; the log payload (`VoterPublicPayload`) holds none: TPS,
 * list, change type, reason code and the commitment (docs/voters.md).
 */
import type { JsonObject } from '../../../ledger/index.ts';
import { TPS_CODE_PATTERN } from '../../../policies/areas.ts';
import { publicText } from '../../public-text.ts';

/** The lists of the register, in their order (DOMAIN.md application 3). */
export const LISTS = ['DPS', 'DPSHP', 'DPT', 'DPTb', 'DPK'] as const;
export type VoterList = (typeof LISTS)[number];

/** Removal reasons (TMS codes of PKPU 7/2022): the only text a removal logs. */
export const REMOVAL_REASONS = [
  'deceased',
  'duplicate',
  'underage-unmarried',
  'moved',
  'military-police',
] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** Why a record was crypto-erased (its salts and sealed fields deleted). */
export const ERASURE_REASONS = [
  'data-subject-request',
  'retention-expired',
  'court-order',
] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

export const CHANGES = [
  'registered',
  'promoted',
  'transferred',
  'assigned',
  'removed',
  'erased',
] as const;
export type VoterChange = (typeof CHANGES)[number];

export const SEXES = ['L', 'P'] as const;
/** B belum kawin, S sudah kawin, P pernah kawin (the register's codes). */
export const MARITAL = ['B', 'S', 'P'] as const;
export const DISABILITIES = [
  'none',
  'physical',
  'intellectual',
  'mental',
  'sensory-sight',
  'sensory-hearing',
  'sensory-speech',
] as const;

/** A voter's personal record (DOMAIN.md application 3); sealed at rest, never logged. */
export interface VoterPersonal {
  nik: string;
  kk: string;
  name: string;
  birthPlace: string;
  birthDate: string;
  sex: (typeof SEXES)[number];
  marital: (typeof MARITAL)[number];
  address: string;
  disability: (typeof DISABILITIES)[number];
  ektp: boolean;
}

const NIK = { type: 'string', pattern: '^[0-9]{16}$', description: '16-digit NIK' };
const TPS = { type: 'string', pattern: TPS_CODE_PATTERN, description: 'TPS code (13 digits)' };
// Personal free text is never public, so it is not `publicText`; it is still
// bounded and single-line (it is printed on the register).
const text = (max: number) => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  pattern: '^[^\\n\\r\\t]*$',
});

export const PERSONAL_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'nik',
    'kk',
    'name',
    'birthPlace',
    'birthDate',
    'sex',
    'marital',
    'address',
    'disability',
    'ektp',
  ],
  properties: {
    nik: NIK,
    kk: { type: 'string', pattern: '^[0-9]{16}$', description: 'family-card number' },
    name: { ...text(100), pattern: '\\S' },
    birthPlace: text(60),
    birthDate: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
    sex: { enum: [...SEXES] },
    marital: { enum: [...MARITAL] },
    address: text(200),
    disability: { enum: [...DISABILITIES] },
    ektp: { type: 'boolean', description: 'holds an electronic ID card (KTP-el)' },
  },
};

export interface RegisterRequest {
  voter: VoterPersonal;
  tps: string;
  list: 'DPS' | 'DPK';
}
export const REGISTER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['voter', 'tps', 'list'],
  properties: { voter: PERSONAL_SCHEMA, tps: TPS, list: { enum: ['DPS', 'DPK'] } },
};

/**
 * Every change names the voter by NIK, the TPS the officer believes them at, and
 * the version it makes (the receipt of the previous change gave its `seq`): a
 * replay, or a change made on a stale view of the record, is a 409.
 */
interface ChangeBase {
  nik: string;
  tps: string;
  seq: number;
}
export interface PromoteRequest extends ChangeBase {
  to: 'DPSHP' | 'DPT';
}
export interface TransferRequest extends ChangeBase {
  to: string;
  formA: string;
}
export interface AssignRequest extends ChangeBase {
  to: string;
}
export interface RemoveRequest extends ChangeBase {
  reason: RemovalReason;
}
const change = (extra: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: ['nik', 'tps', 'seq', ...Object.keys(extra)],
  properties: {
    nik: NIK,
    tps: TPS,
    seq: {
      type: 'integer',
      minimum: 2,
      maximum: 1_000_000,
      description: 'the version this change makes',
    },
    ...extra,
  },
});
export const PROMOTE_SCHEMA = change({ to: { enum: ['DPSHP', 'DPT'] } });
export const TRANSFER_SCHEMA = change({
  to: TPS,
  formA: { type: 'string', pattern: '^[A-Za-z0-9/.-]{1,40}$', description: 'form A number' },
});
export const ASSIGN_SCHEMA = change({ to: TPS });
export const REMOVE_SCHEMA = change({ reason: { enum: [...REMOVAL_REASONS] } });
export interface EraseRequest extends ChangeBase {
  reason: ErasureReason;
}
export const ERASE_SCHEMA = change({ reason: { enum: [...ERASURE_REASONS] } });

export interface ExportRequest {
  area: string;
  reason: string;
}
export const EXPORT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['area', 'reason'],
  properties: {
    area: { type: 'string', pattern: '^(ID|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}|[0-9]{13})$' },
    reason: publicText({ minLength: 10, maxLength: 500 }),
  },
};
/** The export's log entry: who (the envelope's actor), where, how many, why. */
export const EXPORT_PAYLOAD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['area', 'records', 'reason'],
  properties: {
    area: EXPORT_SCHEMA.properties.area,
    records: { type: 'integer', minimum: 0 },
    reason: EXPORT_SCHEMA.properties.reason,
  },
};

export interface SelfCheckRequest {
  nik: string;
  name: string;
}
export const SELF_CHECK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['nik', 'name'],
  properties: { nik: NIK, name: text(100) },
};

/** The log entry's payload: no personal data (docs/voters.md "What is public"). */
export interface VoterPublicPayload extends JsonObject {
  tps: string;
  list: VoterList;
  change: VoterChange;
  /** The removal or erasure reason code; null for other changes. */
  reason: RemovalReason | ErasureReason | null;
  /** base64 HMAC-SHA256 commitment (ledger/verifier/voters/commitment.ts). */
  commitment: string;
}
export const PUBLIC_PAYLOAD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tps', 'list', 'change', 'reason', 'commitment'],
  properties: {
    tps: TPS,
    list: { enum: [...LISTS] },
    change: { enum: [...CHANGES] },
    reason: { enum: [...REMOVAL_REASONS, ...ERASURE_REASONS, null] },
    commitment: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
  },
};

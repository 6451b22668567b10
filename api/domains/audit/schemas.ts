/**
 * Request bodies of the audit domain: attacker-controlled, so every object is
 * closed (`additionalProperties: false`) and every string bounded. The report
 * body is the contract agreed with the audit suite (`saksi audit`, part A of
 * issue #13): the suite files what it wrote into report.json.
 */
import { publicText } from '../../public-text.ts';
import type { JsonSchema } from '../../schemas.ts';

export const CONTROL_STATUSES = ['pass', 'fail', 'skip'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const REPORT_KINDS = ['audit', 'feasibility'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** A control's id: the audit suite's module name (`log-integrity`, `feasibility`…). */
export const CONTROL_ID = '^[a-z0-9][a-z0-9._-]{0,63}$';
/** A stage's id in the calendar (`voting`, `recap`…). */
export const STAGE_ID = '^[a-z0-9][a-z0-9-]{0,63}$';
export const SHA256_HEX = '^[0-9a-f]{64}$';
/** RFC 3339 with a time zone; Date.parse decides the rest (rules.ts). */
const RFC3339 =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$';

export type ControlResult = {
  id: string;
  status: ControlStatus;
  severity: Severity;
  summary: string;
};

export interface ReportRequest {
  kind: ReportKind;
  reportSha256: string;
  generatedAt: string;
  stage?: string;
  controls: ControlResult[];
}

export const REPORT_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'reportSha256', 'generatedAt', 'controls'],
  properties: {
    kind: { enum: [...REPORT_KINDS] },
    reportSha256: { type: 'string', pattern: SHA256_HEX },
    generatedAt: { type: 'string', pattern: RFC3339, maxLength: 40 },
    stage: { type: 'string', pattern: STAGE_ID },
    controls: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status', 'severity', 'summary'],
        properties: {
          id: { type: 'string', pattern: CONTROL_ID },
          status: { enum: [...CONTROL_STATUSES] },
          severity: { enum: [...SEVERITIES] },
          // Not publicText: a failing personal-data control must still be filed, so
          // NIK-shaped numbers are redacted (rules.ts) rather than refused.
          summary: { type: 'string', minLength: 1, maxLength: 2000 },
        },
      },
    },
  },
};

export interface FollowupRequest {
  action: string;
  evidenceSha256?: string;
}

export const FOLLOWUP_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  properties: {
    // What was done, in words that become public for ever: no NIK (422).
    action: publicText({ minLength: 1, maxLength: 2000 }),
    // The SHA-256 of the evidence document (kept outside the log, like a photo).
    evidenceSha256: { type: 'string', pattern: SHA256_HEX },
  },
};

/** Opening a stage takes an optional reason and nothing else. */
export interface OpenStageRequest {
  reason?: string;
}

export const OPEN_STAGE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: publicText({ minLength: 1, maxLength: 1000 }) },
};

/**
 * The payloads of the entries, checked by the write path as any domain's: what
 * the routes build, never what a client sent unchecked.
 */
const CONTROL_ENTRY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'status', 'severity', 'summary', 'redacted'],
  properties: {
    id: { type: 'string', pattern: CONTROL_ID },
    status: { enum: [...CONTROL_STATUSES] },
    severity: { enum: [...SEVERITIES] },
    summary: publicText({ minLength: 1, maxLength: 2000 }),
    redacted: { type: 'boolean' },
  },
};

export const REPORT_PAYLOAD_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'reportSha256', 'generatedAt', 'controls'],
  properties: {
    kind: { enum: [...REPORT_KINDS] },
    reportSha256: { type: 'string', pattern: SHA256_HEX },
    generatedAt: { type: 'string', pattern: RFC3339 },
    stage: { type: 'string', pattern: STAGE_ID },
    controls: { type: 'array', minItems: 1, maxItems: 64, items: CONTROL_ENTRY },
  },
};

export const FOLLOWUP_PAYLOAD_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['finding', 'action'],
  properties: {
    finding: { type: 'string', minLength: 1, maxLength: 200 },
    ...(FOLLOWUP_SCHEMA.properties as Record<string, JsonSchema>),
  },
};

const NULLABLE_ID: JsonSchema = {
  anyOf: [{ type: 'string', pattern: SHA256_HEX }, { type: 'null' }],
};

export const STAGE_PAYLOAD_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['stage', 'name', 'starts', 'ends', 'outcome', 'reasons', 'evidence', 'maxAgeSeconds'],
  properties: {
    stage: { type: 'string', pattern: STAGE_ID },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    starts: { type: 'string', format: 'date' },
    ends: { type: 'string', format: 'date' },
    outcome: { enum: ['opened', 'refused'] },
    reasons: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
    },
    evidence: {
      type: 'object',
      additionalProperties: false,
      required: ['audit', 'feasibility', 'openFindings'],
      properties: {
        audit: NULLABLE_ID,
        feasibility: NULLABLE_ID,
        openFindings: { type: 'array', items: { type: 'string' } },
      },
    },
    maxAgeSeconds: { type: 'integer', minimum: 1 },
    reason: publicText({ minLength: 1, maxLength: 1000 }),
  },
};

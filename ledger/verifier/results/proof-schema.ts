/**
 * The shapes the observer's verifier reads from an untrusted server, as JSON
 * Schemas (./schema.ts validates them; types beside each). Every field below is
 * attacker-controlled: a server that wants a false total to pass writes them.
 * Unknown fields are refused at every level (`additionalProperties: false`), so
 * nothing the verifier ignores can carry meaning for another reader.
 *
 *   ResultsProof   GET /v1/results/<contest>/proof/<tps> (api/domains/results/proof/chain.ts)
 *   LoggedEntry    an entry envelope as logged (ARCHITECTURE.md "The log format")
 *   RecapPayload   a `results.recap.computed` payload (./recap.ts)
 *   CountForm      a count-form payload: COUNT_FORM_SCHEMA (./count-form.ts)
 */
import { CHOICE_ID, CONTESTS } from './contests.ts';
import { MAX_CHOICES } from './count-form.ts';

/** One logged entry with its index and inclusion proof. */
export interface ProvenEntry {
  index: number;
  /** The entry exactly as logged (RFC 8785 JSON). */
  entry: string;
  /** Standard-base64 hashes, leaf to root (RFC 9162 §2.1.3). */
  inclusionProof: string[];
}

/** The proof of one TPS's form in every total above it (api/domains/results/proof/chain.ts). */
export interface ResultsProof {
  contest: string;
  tps: string;
  checkpoint: string;
  treeSize: number;
  form: ProvenEntry;
  /** Desa first, nation last. */
  levels: { area: string; recap: ProvenEntry }[];
}

/** An entry envelope as the results chain reads it (ledger/entry.ts validates the writer's). */
export interface LoggedEntry {
  v: 1;
  kind: string;
  subject: string;
  seq: number;
  prev: string | null;
  at: string;
  actor: { id: string; role: string; key?: string; sig?: string };
  payload: Record<string, unknown>;
  reason?: string;
  ref?: string;
}

/**
 * The largest figure a recap may hold: 2^36 (~68.7 billion) is far above any
 * election's voters (Indonesia 2024: 205 million), and a recap of ≤ 65,535 bytes
 * lists fewer than 2^16 rows, so every sum the verifier computes stays below
 * 2^52, inside IEEE-754 doubles' exact integers.
 */
export const MAX_TOTAL = 2 ** 36;

/** A log entry is at most 65,535 bytes (C2SP tlog-tiles entry bundles: uint16 length). */
export const MAX_ENTRY_CHARS = 65_535;
/** A Merkle path in a tree of < 2^63 leaves. */
const MAX_PATH = 63;
/** TPS → desa → kecamatan → kab/kota → provinsi → nation, plus parts and super parts. */
const MAX_LEVELS = 16;

const HASH = { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' } as const;
const TOTAL = { type: 'integer', minimum: 0, maximum: MAX_TOTAL } as const;
/** An area, part `<area>/<i>` or super part `<area>//<j>` (./nodes.ts). */
const NODE_CODE = {
  type: 'string',
  pattern: '^(ID|[0-9]{2,13})(//?(0|[1-9][0-9]{0,5}))?$',
} as const;
const TPS = { type: 'string', pattern: '^[0-9]{13}$' } as const;

const PROVEN_ENTRY = {
  type: 'object',
  additionalProperties: false,
  required: ['index', 'entry', 'inclusionProof'],
  properties: {
    index: { type: 'integer', minimum: 0 },
    entry: { type: 'string', minLength: 2, maxLength: MAX_ENTRY_CHARS },
    inclusionProof: { type: 'array', maxItems: MAX_PATH, items: HASH },
  },
} as const;

export const RESULTS_PROOF_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['contest', 'tps', 'checkpoint', 'treeSize', 'form', 'levels'],
  properties: {
    contest: { enum: [...CONTESTS] },
    tps: TPS,
    checkpoint: { type: 'string', maxLength: 16_384 },
    treeSize: { type: 'integer', minimum: 1 },
    form: PROVEN_ENTRY,
    levels: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_LEVELS,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['area', 'recap'],
        properties: { area: NODE_CODE, recap: PROVEN_ENTRY },
      },
    },
  },
} as const;

/** ledger/entry.ts's envelope rules, for entries with a public payload. */
export const LOGGED_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'kind', 'subject', 'seq', 'prev', 'at', 'actor', 'payload'],
  properties: {
    v: { const: 1 },
    kind: {
      type: 'string',
      maxLength: 96,
      pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$',
    },
    subject: { type: 'string', minLength: 1, maxLength: 256 },
    seq: { type: 'integer', minimum: 1 },
    prev: { type: ['string', 'null'], pattern: HASH.pattern },
    at: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' },
    actor: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'role'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 128 },
        role: { type: 'string', maxLength: 64, pattern: '^[A-Z][A-Z0-9_]*$' },
        key: HASH,
        sig: { type: 'string', pattern: '^[A-Za-z0-9+/]{86}==$' },
      },
    },
    payload: { type: 'object' },
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
    ref: { type: 'string', minLength: 1, maxLength: 256 },
  },
} as const;

const TPS_COUNTS = {
  type: 'object',
  additionalProperties: false,
  required: ['accepted', 'flagged'],
  properties: { accepted: TOTAL, flagged: TOTAL },
} as const;

/**
 * One listed child (./recap.ts RecapChild). Which of `status`/`checks` (a TPS
 * row) or `tps` (an area or part row) a row carries is checked after the schema,
 * with its own error code (WRONG_ROW_SHAPE).
 */
const RECAP_ROW = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'seq', 'hash', 'valid', 'invalid', 'votes'],
  properties: {
    code: NODE_CODE,
    seq: { type: 'integer', minimum: 1 },
    hash: HASH,
    status: { enum: ['accepted', 'flagged'] },
    checks: { type: 'integer', minimum: 1, maximum: 1000 },
    tps: TPS_COUNTS,
    valid: TOTAL,
    invalid: TOTAL,
    votes: { type: 'array', maxItems: MAX_CHOICES, items: TOTAL },
  },
} as const;

export const RECAP_PAYLOAD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'contest',
    'area',
    'level',
    'dapil',
    'tps',
    'choices',
    'children',
    'valid',
    'invalid',
    'votes',
  ],
  properties: {
    contest: { enum: [...CONTESTS] },
    area: NODE_CODE,
    level: { enum: ['nasional', 'provinsi', 'kabkota', 'kecamatan', 'desa', 'part'] },
    dapil: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
    tps: TPS_COUNTS,
    choices: {
      type: 'array',
      maxItems: MAX_CHOICES,
      items: { type: 'string', pattern: CHOICE_ID.source },
    },
    children: { type: 'array', minItems: 1, maxItems: 4096, items: RECAP_ROW },
    valid: TOTAL,
    invalid: TOTAL,
    votes: {
      type: 'object',
      maxProperties: MAX_CHOICES,
      propertyNames: { pattern: CHOICE_ID.source },
      additionalProperties: TOTAL,
    },
  },
} as const;

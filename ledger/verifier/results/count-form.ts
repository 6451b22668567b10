/**
 * The C.Hasil payload: the numbers of one count form, for one contest at one TPS
 * (DOMAIN.md application 8; issue #4 "Count forms"). This is the `payload` of the
 * form's log entry, so its shape is public and permanent: every field is
 * attacker-controlled (a KPPS device, or a photo reader, typed it) and the schema
 * refuses anything it does not name (`additionalProperties: false` at every level).
 *
 * The schema checks shape and bounds only. Whether the numbers add up is the job of
 * `./checks.ts`: a form that does not add up is still evidence and is recorded
 * (flagged), whereas a form that fails this schema is refused with a 400.
 *
 * The same schema is read by two validators: ajv on the server's write path,
 * and the observer's verifier (./schema.ts) on every form it reads from the log.
 */
import {
  CHOICE_ID,
  CONTESTS,
  type Contest,
  PLAIN_CHOICE_CONTESTS,
  PLAIN_CHOICE_ID,
} from './contests.ts';
import { TPS_CODE } from './nodes.ts';

/**
 * The largest figure any one field may hold. A TPS has at most 300 DPT voters
 * (2024), but DPTb and DPK voters come on top of the DPT, ballots are delivered
 * with a reserve, and the counting units abroad (post and mobile ballot boxes) are
 * larger than a TPS. 10,000 leaves room for all of them while refusing numbers
 * that are no count at all (a typed-in NIK, an extra digit on four), and keeps
 * every sum on a form (≤ MAX_CHOICES × MAX_COUNT = 4,000,000) far inside the
 * safe-integer range. It is a bound on shape, not a rule: a misread digit ("3" as
 * "8") stays well inside it and is caught by the arithmetic checks instead.
 */
export const MAX_COUNT = 10_000;

/**
 * The most choice keys one form may carry. The largest form is a DPRD ballot:
 * 24 parties (18 national + 6 Aceh local parties in 2024), each with a
 * party-only vote and up to 12 candidates (a DPRD dapil has 3–12 seats, and a
 * list is at most as long as the dapil's seats): 24 × 13 = 312.
 */
export const MAX_CHOICES = 400;

/** Voter figures of one kind: the final list, transfers (form A), and ID-card voters. */
export type VoterCounts = { dpt: number; dptb: number; dpk: number };

/**
 * The C.Hasil payload. A type alias rather than an interface so that it is
 * assignable to the ledger's JsonObject without widening it.
 */
export type CountForm = {
  /** 13 digits: desa code (10) + TPS number (3). */
  tps: string;
  contest: Contest;
  voters: {
    /** Voters on each list for this TPS (DPK: those who came with an ID card). */
    registered: VoterCounts;
    /** Voters of each list who used their right to vote in this contest. */
    voted: VoterCounts;
  };
  ballots: { received: number; used: number; unused: number; spoiled: number };
  /** Votes per choice (see CHOICE_ID); for a party contest both party-only and candidate votes. */
  votes: Record<string, number>;
  valid: number;
  invalid: number;
  /** Lowercase hex SHA-256 of the form photo, uploaded beforehand (api/domains/photos). */
  photo: string;
  /** The case (DOMAIN.md application 11) whose ruling a correction follows. */
  caseRef?: string;
};

const count = { type: 'integer', minimum: 0, maximum: MAX_COUNT } as const;

const voterCounts = {
  type: 'object',
  additionalProperties: false,
  required: ['dpt', 'dptb', 'dpk'],
  properties: { dpt: count, dptb: count, dpk: count },
} as const;

/** JSON Schema (2020-12, ajv strict) of `CountForm`. */
export const COUNT_FORM_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tps', 'contest', 'voters', 'ballots', 'votes', 'valid', 'invalid', 'photo'],
  properties: {
    tps: {
      type: 'string',
      pattern: TPS_CODE.source,
      description: 'desa code (10 digits) + TPS number (3 digits)',
    },
    contest: { enum: [...CONTESTS] },
    voters: {
      type: 'object',
      additionalProperties: false,
      required: ['registered', 'voted'],
      properties: { registered: voterCounts, voted: voterCounts },
    },
    ballots: {
      type: 'object',
      additionalProperties: false,
      required: ['received', 'used', 'unused', 'spoiled'],
      properties: { received: count, used: count, unused: count, spoiled: count },
    },
    votes: {
      type: 'object',
      minProperties: 1,
      maxProperties: MAX_CHOICES,
      propertyNames: { pattern: CHOICE_ID.source },
      additionalProperties: count,
      description:
        'votes per choice: pair or DPD candidate "n"; party-only "p" and candidate "p.c" for DPR/DPRD',
    },
    valid: count,
    invalid: count,
    photo: {
      type: 'string',
      pattern: '^[0-9a-f]{64}$',
      description: 'lowercase hex SHA-256 of the uploaded form photo (PUT /v1/photos/{sha256})',
    },
    caseRef: {
      type: 'string',
      // Court and Bawaslu register numbers, e.g. "01-02-03/PHPU.DPR-DPRD-XXII/2024".
      // The server also refuses a NIK-shaped number here (api/domains/results/schemas.ts).
      pattern: '^[A-Za-z0-9][A-Za-z0-9./-]{0,99}$',
      description: 'the case whose ruling this correction follows',
    },
  },
  // Presidential pairs and DPD candidates belong to no party: a dotted choice
  // there is not a misreading to flag but a form for another contest, refused.
  if: {
    type: 'object',
    required: ['contest'],
    properties: { contest: { enum: [...PLAIN_CHOICE_CONTESTS] } },
  },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
  then: {
    type: 'object',
    properties: {
      votes: { type: 'object', propertyNames: { pattern: PLAIN_CHOICE_ID.source } },
    },
  },
} as const;

/**
 * Requests and public payloads of campaign finance (issue #12). Attacker-
 * controlled: every field of every request. Rupiah are integers, sent as a
 * decimal string or a safe integer, never a float (a float would lose rupiah
 * above 2^53 and `1.5` is not an amount); a log payload always holds strings.
 */
import { publicText } from '../../public-text.ts';
import type { JsonSchema } from '../../schemas.ts';

export const DONOR_CATEGORIES = ['individual', 'group', 'company'] as const;
export type DonorCategory = (typeof DONOR_CATEGORIES)[number];
export const PARTICIPANT_KINDS = ['party', 'dpd', 'presidential'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];
/** The contest whose caps apply: parties (DPR and DPRD), DPD candidates, presidential pairs. */
export const CAP_CONTESTS = ['DPR', 'DPD', 'PPWP'] as const;
export type CapContest = (typeof CAP_CONTESTS)[number];
export const REPORT_KINDS = ['LADK', 'LPSDK', 'LPPDK'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
/** Expenditure categories (PKPU 18/2023 groups spending by campaign method; the list is ours, check). */
export const EXPENDITURE_CATEGORIES = [
  'meetings',
  'materials',
  'advertising',
  'rallies',
  'operations',
  'other',
] as const;
export type ExpenditureCategory = (typeof EXPENDITURE_CATEGORIES)[number];

export const MAX_RUPIAH = 10n ** 15n; // Rp1,000 trillion: far above any cap, inside bigint.
const RUPIAH_STRING = '^[1-9][0-9]{0,14}$';
/** A positive amount in rupiah: decimal digits, or a safe integer (converted with BigInt). */
export const RUPIAH: JsonSchema = {
  anyOf: [
    { type: 'string', pattern: RUPIAH_STRING },
    { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  ],
};
const RUPIAH_OR_ZERO: JsonSchema = {
  anyOf: [
    { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})$' },
    { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  ],
};
const DIGITS = { type: 'string', pattern: '^(0|[1-9][0-9]{0,17})$' };
// A calendar day of 1900–2099 (ajv-formats `date` refuses 2024-02-30; PostgreSQL's
// date refuses year 0): no day that passes here makes the insert fail.
const DAY = { type: 'string', format: 'date', pattern: '^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}$' };
const INSTANT = { type: 'string', format: 'date-time', maxLength: 40 };
export const PARTICIPANT_ID = '^[a-z0-9][a-z0-9-]{1,62}$';
const ID = { type: 'string', pattern: PARTICIPANT_ID };
export type Amount = string | number;

const obj = (required: string[], properties: Record<string, unknown>): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

export interface CapTable {
  individual: string;
  group: string;
  company: string;
}
export interface FinanceRules {
  /** Cumulative cap per donor per participant, by contest and donor category. */
  caps: Record<CapContest, CapTable>;
  /** The instant after which a report of each kind is late (RFC 3339). */
  deadlines: Record<ReportKind, string>;
}
const CAPS = obj(['individual', 'group', 'company'], {
  individual: DIGITS,
  group: DIGITS,
  company: DIGITS,
});
export const RULES_SCHEMA = obj(['caps', 'deadlines'], {
  caps: obj(['DPR', 'DPD', 'PPWP'], { DPR: CAPS, DPD: CAPS, PPWP: CAPS }),
  deadlines: obj(['LADK', 'LPSDK', 'LPPDK'], { LADK: INSTANT, LPSDK: INSTANT, LPPDK: INSTANT }),
});

export interface AccountRequest {
  id: string;
  name: string;
  kind: ParticipantKind;
  /** ID for a party or a pair; the province (2 digits) of a DPD candidate. */
  area: string;
  /** The officer id (role PARTY) who files for the participant. */
  filer: string;
  account: { bank: string; number: string; holder: string };
  /** For a change of the account: the new version and why (public). */
  seq?: number;
  reason?: string;
}
export const ACCOUNT_SCHEMA = obj(['id', 'name', 'kind', 'area', 'filer', 'account'], {
  id: ID,
  name: publicText({ minLength: 1, maxLength: 200 }),
  kind: { enum: PARTICIPANT_KINDS },
  area: { type: 'string', pattern: '^(ID|[0-9]{2})$' },
  filer: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' },
  account: obj(['bank', 'number', 'holder'], {
    bank: publicText({ minLength: 1, maxLength: 100 }),
    number: { type: 'string', pattern: '^[0-9]{6,20}$' },
    holder: publicText({ minLength: 1, maxLength: 200 }),
  }),
  seq: { type: 'integer', minimum: 1, maximum: 1000 },
  reason: publicText({ minLength: 1, maxLength: 1000 }),
});

/** The donor: private, never in the log (only its commitment). */
export interface Donor {
  category: DonorCategory;
  /** ISO 3166-1 alpha-2 of the donor's nationality or seat; anything but ID is refused. */
  country: string;
  /** NIK (16 digits) of a person; NPWP (15–16 digits) of a group or company. */
  idNumber: string;
  name: string;
}
export interface ContributionRequest {
  participant: string;
  donor: Donor;
  amount: Amount;
  date: string;
}
export const CONTRIBUTION_SCHEMA = obj(['participant', 'donor', 'amount', 'date'], {
  participant: ID,
  // Anonymous donations are refused (UU 7/2017 art. 339(1)(c) as we read it,
  // check): the donor's identity and name are required.
  donor: obj(['category', 'country', 'idNumber', 'name'], {
    category: { enum: DONOR_CATEGORIES },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
    idNumber: { type: 'string', pattern: '^[0-9]{15,16}$' },
    name: { type: 'string', minLength: 2, maxLength: 200, pattern: '\\S' },
  }),
  amount: RUPIAH,
  date: DAY,
});

export interface SurrenderRequest {
  participant: string;
  contribution: string;
  amount: Amount;
  date: string;
  /** The state-treasury deposit reference (public). */
  reference: string;
}
export const SURRENDER_SCHEMA = obj(
  ['participant', 'contribution', 'amount', 'date', 'reference'],
  {
    participant: ID,
    contribution: { type: 'string', pattern: '^finance-contribution:[0-9a-f]{32}$' },
    amount: RUPIAH,
    date: DAY,
    reference: publicText({ minLength: 1, maxLength: 100 }),
  },
);

export interface ExpenditureRequest {
  participant: string;
  category: ExpenditureCategory;
  amount: Amount;
  date: string;
  description: string;
}
export const EXPENDITURE_SCHEMA = obj(
  ['participant', 'category', 'amount', 'date', 'description'],
  {
    participant: ID,
    category: { enum: EXPENDITURE_CATEGORIES },
    amount: RUPIAH,
    date: DAY,
    description: publicText({ minLength: 1, maxLength: 500 }),
  },
);

export interface ReportRequest {
  participant: string;
  kind: ReportKind;
  /** 1 for the first filing; an amendment is the next version with a reason. */
  seq: number;
  reason?: string;
  /** The filed document, standard base64, and the SHA-256 (hex) the filer says it has. */
  document: { sha256: string; mediaType: string; base64: string };
  declared: { contributions: Amount; expenditures: Amount };
}
export const REPORT_SCHEMA = obj(['participant', 'kind', 'seq', 'document', 'declared'], {
  participant: ID,
  kind: { enum: REPORT_KINDS },
  seq: { type: 'integer', minimum: 1, maximum: 1000 },
  reason: publicText({ minLength: 1, maxLength: 1000 }),
  document: obj(['sha256', 'mediaType', 'base64'], {
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    mediaType: { enum: ['application/pdf', 'text/csv', 'application/json'] },
    // ≤ ~700 kB of document inside the 1 MiB body limit.
    base64: { type: 'string', minLength: 4, maxLength: 960_000, pattern: '^[A-Za-z0-9+/]*={0,2}$' },
  }),
  declared: obj(['contributions', 'expenditures'], {
    contributions: RUPIAH_OR_ZERO,
    expenditures: RUPIAH_OR_ZERO,
  }),
});

export interface AuditorRequest {
  participant: string;
  auditor: string;
  seq?: number;
  reason?: string;
}
export const AUDITOR_SCHEMA = obj(['participant', 'auditor'], {
  participant: ID,
  auditor: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' },
  seq: { type: 'integer', minimum: 1, maximum: 1000 },
  reason: publicText({ minLength: 1, maxLength: 1000 }),
});

export interface OpeningRequest {
  participant: string;
  contribution: string;
  reason: string;
}
export const OPENING_SCHEMA = obj(['participant', 'contribution', 'reason'], {
  participant: ID,
  contribution: { type: 'string', pattern: '^finance-contribution:[0-9a-f]{32}$' },
  reason: publicText({ minLength: 5, maxLength: 1000 }),
});

// ---- Public payloads (what the log entries hold). No donor identity anywhere.

const PAYLOAD_RUPIAH = { type: 'string', pattern: '^(0|-?[1-9][0-9]{0,17})$' };
const ANY_OBJECT = { type: 'object' };

export const RULES_PAYLOAD_SCHEMA = RULES_SCHEMA;
export const ACCOUNT_PAYLOAD_SCHEMA = obj(
  ['id', 'name', 'kind', 'contest', 'area', 'filer', 'account'],
  {
    id: ID,
    name: { type: 'string' },
    kind: { enum: PARTICIPANT_KINDS },
    contest: { enum: CAP_CONTESTS },
    area: { type: 'string' },
    filer: { type: 'string' },
    account: ANY_OBJECT,
  },
);
export interface ContributionPayload {
  participant: string;
  category: DonorCategory;
  amount: string;
  date: string;
  /** The donor's cap for this participant and the part of this amount above it. */
  cap: string;
  excess: string;
  commitment: string;
  [k: string]: string;
}
export const CONTRIBUTION_PAYLOAD_SCHEMA = obj(
  ['participant', 'category', 'amount', 'date', 'cap', 'excess', 'commitment'],
  {
    participant: ID,
    category: { enum: DONOR_CATEGORIES },
    amount: PAYLOAD_RUPIAH,
    date: DAY,
    cap: PAYLOAD_RUPIAH,
    excess: PAYLOAD_RUPIAH,
    commitment: { type: 'string', minLength: 44, maxLength: 44 },
  },
);
export const SURRENDER_PAYLOAD_SCHEMA = obj(
  ['participant', 'contribution', 'amount', 'date', 'reference'],
  {
    participant: ID,
    contribution: { type: 'string' },
    amount: PAYLOAD_RUPIAH,
    date: DAY,
    reference: { type: 'string' },
  },
);
export const EXPENDITURE_PAYLOAD_SCHEMA = obj(
  ['participant', 'category', 'amount', 'date', 'description'],
  {
    participant: ID,
    category: { enum: EXPENDITURE_CATEGORIES },
    amount: PAYLOAD_RUPIAH,
    date: DAY,
    description: { type: 'string' },
  },
);
export type Totals = {
  contributions: string;
  expenditures: string;
};
export type ReportPayload = {
  participant: string;
  kind: ReportKind;
  documentSha256: string;
  mediaType: string;
  declared: Totals;
  /** The sums of the contributions and expenditures recorded when it was filed. */
  ledger: Totals;
  /** declared − ledger, per total; a non-zero value flags the report. */
  difference: Totals;
  deadline: string;
  late: boolean;
};
const TOTALS = obj(['contributions', 'expenditures'], {
  contributions: PAYLOAD_RUPIAH,
  expenditures: PAYLOAD_RUPIAH,
});
export const REPORT_PAYLOAD_SCHEMA = obj(
  [
    'participant',
    'kind',
    'documentSha256',
    'mediaType',
    'declared',
    'ledger',
    'difference',
    'deadline',
    'late',
  ],
  {
    participant: ID,
    kind: { enum: REPORT_KINDS },
    documentSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    mediaType: { type: 'string' },
    declared: TOTALS,
    ledger: TOTALS,
    difference: TOTALS,
    deadline: { type: 'string' },
    late: { type: 'boolean' },
  },
);
export const AUDITOR_PAYLOAD_SCHEMA = obj(['participant', 'auditor'], {
  participant: ID,
  auditor: { type: 'string' },
});
export const OPENING_PAYLOAD_SCHEMA = obj(['participant', 'contribution', 'reason'], {
  participant: ID,
  contribution: { type: 'string' },
  reason: { type: 'string' },
});

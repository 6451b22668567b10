/**
 * Campaign finance writes over HTTP (issue #12). Every one is a ledgered write
 * (`performWrite`): the route builds the entry's public payload from the
 * request, and performWrite authorises it (Cedar, policies/finance.cedar), runs
 * the rules and writes the rows in the same transaction as the log entry.
 *
 * Who (policies/finance.cedar): KPU sets the rules, opens accounts and assigns
 * auditors (`finance.manage`); the participant's own filer (role PARTY) records
 * contributions, expenditures, surrenders and reports (`finance.file`, context
 * `filer` derived here from the signed-in identity, never the body); only the
 * auditor assigned to the participant opens a donor (`finance.donor.open`,
 * context `assigned`).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { canonicalize, type Db, type JsonObject } from '../../../ledger/index.ts';
import {
  DONOR_SALT_BYTES,
  type DonorRecord,
  donorCommitmentText,
} from '../../../ledger/verifier/finance/index.ts';
import type { AppVariables, OfficerPrincipal } from '../../auth/principal.ts';
import { ApiError, notFound } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { ERROR_SCHEMA, type JsonSchema, registerRoute, validate } from '../../schemas.ts';
import {
  performWrite,
  submissionSchema,
  type Violation,
  type WriteContext,
  type WriteDefinition,
  type WriteServices,
} from '../../write/ledgered-write.ts';
import { RECEIPT_SCHEMA } from '../../write/routes.ts';
import { type FinanceKeys, openDonor, sealDonor } from './crypto.ts';
import {
  accountSubject,
  auditorSubject,
  FINANCE_KINDS,
  RULES_SUBJECT,
  reportSubject,
  surrenderSubject,
} from './kinds.ts';
import {
  accountViolations,
  capFor,
  capOutcome,
  contestOf,
  difference,
  donorViolations,
  isLate,
  rulesViolations,
  rupiah,
  surrenderViolations,
  totals,
} from './rules.ts';
import {
  ACCOUNT_PAYLOAD_SCHEMA,
  ACCOUNT_SCHEMA,
  type AccountRequest,
  AUDITOR_PAYLOAD_SCHEMA,
  AUDITOR_SCHEMA,
  type AuditorRequest,
  CONTRIBUTION_PAYLOAD_SCHEMA,
  CONTRIBUTION_SCHEMA,
  type ContributionPayload,
  type ContributionRequest,
  EXPENDITURE_PAYLOAD_SCHEMA,
  EXPENDITURE_SCHEMA,
  type ExpenditureRequest,
  type FinanceRules,
  OPENING_PAYLOAD_SCHEMA,
  OPENING_SCHEMA,
  type OpeningRequest,
  REPORT_PAYLOAD_SCHEMA,
  REPORT_SCHEMA,
  type ReportPayload,
  type ReportRequest,
  RULES_PAYLOAD_SCHEMA,
  RULES_SCHEMA,
  SURRENDER_PAYLOAD_SCHEMA,
  SURRENDER_SCHEMA,
  type SurrenderRequest,
} from './schemas.ts';
import {
  advanceParticipant,
  auditorRow,
  contribution,
  contributionRow,
  currentAuditor,
  currentRules,
  donorRunning,
  expenditureRow,
  insertReport,
  ledgerTotals,
  openingRow,
  type ParticipantRow,
  participant,
  participantRow,
  rulesRow,
  surrenderRow,
} from './store.ts';

export interface FinanceDeps {
  writes: WriteServices;
  db: Db;
  keys: FinanceKeys;
  /** The role of an officer, or null if there is none (identity's directory). */
  officerRole: (id: string) => Promise<string | null>;
}

type App = Hono<{ Variables: AppVariables }>;
type Principal = AppVariables['principal'];

const MANAGE = 'finance.manage';
const FILE = 'finance.file';
const OPEN = 'finance.donor.open';

function doc(path: string, operationId: string, summary: string, body: JsonSchema, extra = {}) {
  registerRoute({
    method: 'post',
    path,
    operationId,
    summary,
    tags: ['finance'],
    security: 'bearer',
    requestBody: body as never,
    responses: {
      '201': { description: 'stored with its log entry', schema: RECEIPT_SCHEMA },
      '400': {
        description: 'malformed request (amounts are positive integer rupiah)',
        schema: ERROR_SCHEMA,
      },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '404': { description: 'no such account or record', schema: ERROR_SCHEMA },
      '409': { description: 'a concurrent change or a replayed version', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '422': { description: 'finance rules failed', schema: ERROR_SCHEMA },
      '503': { description: 'overloaded; retry after Retry-After', schema: ERROR_SCHEMA },
      ...extra,
    },
  });
}

/** One submission schema per payload schema: ajv compiles each schema object once (schemas.ts). */
const submissions = new WeakMap<JsonSchema, JsonSchema>();
function submissionOf(payload: JsonSchema): JsonSchema {
  let s = submissions.get(payload);
  if (!s) {
    s = submissionSchema(payload, false);
    submissions.set(payload, s);
  }
  return s;
}

/** A ledgered write whose payload the route built (no device signature: the bearer token authenticates). */
function write<P extends JsonObject>(
  writes: WriteServices,
  principal: Principal,
  w: {
    kind: string;
    action: string;
    schema: JsonSchema;
    subject: string;
    seq: number;
    reason?: string | undefined;
    payload: P;
    area: string;
    context?: (p: OfficerPrincipal) => Record<string, boolean>;
    rules?: () => Violation[];
    rows?: WriteDefinition<P>['rows'];
    apply?: (
      tx: Parameters<NonNullable<WriteDefinition<P>['apply']>>[0],
      w: WriteContext<P>,
    ) => Promise<void>;
    after?: readonly string[];
    constraints?: WriteDefinition<P>['constraints'];
  },
) {
  const def: WriteDefinition<P> = {
    kind: w.kind,
    action: w.action,
    payloadSchema: w.schema,
    resource: () => ({ type: 'Area', code: w.area }),
    ...(w.context ? { context: (_p, who) => w.context!(who) } : {}),
    deviceSigned: false,
    subjectMatches: (s) => s === w.subject,
    ...(w.rules ? { rules: () => w.rules!() } : {}),
    ...(w.rows ? { rows: w.rows } : {}),
    ...(w.apply ? { apply: w.apply } : {}),
    ...(w.after ? { after: w.after } : {}),
    ...(w.constraints ? { constraints: w.constraints } : {}),
  };
  return performWrite(writes, def, submissionOf(w.schema), principal, {
    subject: w.subject,
    seq: w.seq,
    payload: w.payload,
    ...(w.reason !== undefined ? { reason: w.reason } : {}),
  });
}

async function knownParticipant(db: Db, id: string): Promise<ParticipantRow> {
  const p = await participant(db, id);
  if (!p) throw new ApiError(404, 'UNKNOWN_ACCOUNT', `there is no campaign account ${id}`);
  return p;
}
const isFiler = (p: ParticipantRow) => (who: OfficerPrincipal) => ({ filer: who.id === p.filer });
const newSubject = (prefix: string) => `${prefix}:${randomBytes(16).toString('hex')}`;
const CONCURRENT = {
  status: 409 as const,
  code: 'CONCURRENT_CHANGE',
  message: 'changed concurrently; retry',
};

export function financeRoutes(app: App, deps: FinanceDeps): void {
  const { writes, db, keys } = deps;
  /** The account's filer must be a PARTY officer, the auditor an AUDITOR (a KAP). */
  const roleViolation = async (id: string, role: 'PARTY' | 'AUDITOR', what: string) =>
    (await deps.officerRole(id)) === role
      ? null
      : { rule: `${what}-role`, message: `the ${what} ${id} is not an officer with role ${role}` };

  doc(
    '/v1/finance/rules',
    'setFinanceRules',
    'Set the caps and deadlines of this election',
    RULES_SCHEMA,
  );
  app.post('/v1/finance/rules', async (c) => {
    const req = validate<FinanceRules>(RULES_SCHEMA, await readJsonBody(c));
    const { seq } = await currentRules(db);
    const receipt = await write(writes, c.get('principal'), {
      kind: FINANCE_KINDS.rules,
      action: MANAGE,
      schema: RULES_PAYLOAD_SCHEMA,
      subject: RULES_SUBJECT,
      seq: seq + 1,
      reason: seq > 0 ? 'rules changed' : undefined,
      payload: req as unknown as JsonObject,
      area: 'ID',
      rules: () => rulesViolations(req),
      rows: (e) => [rulesRow(seq + 1, req, e)],
      constraints: { finance_rules_pkey: CONCURRENT },
    });
    return c.json(receipt, 201);
  });

  doc(
    '/v1/finance/accounts',
    'registerCampaignAccount',
    'Register or change a campaign account',
    ACCOUNT_SCHEMA,
  );
  app.post('/v1/finance/accounts', async (c) => {
    const req = validate<AccountRequest>(ACCOUNT_SCHEMA, await readJsonBody(c));
    const existing = await participant(db, req.id);
    const filerRole = await roleViolation(req.filer, 'PARTY', 'filer');
    const seq = req.seq ?? 1;
    const contest = contestOf(req.kind);
    const payload = {
      id: req.id,
      name: req.name,
      kind: req.kind,
      contest,
      area: req.area,
      filer: req.filer,
      account: req.account,
    };
    const state = {
      id: req.id,
      seq,
      name: req.name,
      kind: req.kind,
      contest,
      area: req.area,
      filer: req.filer,
      bank: req.account.bank,
      account_number: req.account.number,
      account_holder: req.account.holder,
    };
    const receipt = await write(writes, c.get('principal'), {
      kind: seq === 1 ? FINANCE_KINDS.account : FINANCE_KINDS.accountChanged,
      action: MANAGE,
      schema: ACCOUNT_PAYLOAD_SCHEMA,
      subject: accountSubject(req.id),
      seq,
      reason: req.reason,
      payload,
      area: req.area,
      rules: () => {
        const found = accountViolations(req.kind, req.area);
        if (filerRole) found.push(filerRole);
        if (existing && (existing.kind !== req.kind || existing.area !== req.area))
          found.push({ rule: 'fixed-kind-area', message: 'an account keeps its kind and area' });
        return found;
      },
      ...(seq === 1
        ? { rows: (e) => [participantRow(state, e)] }
        : {
            apply: (tx, e) => advanceParticipant(tx, state, e),
            after: [FINANCE_KINDS.account, FINANCE_KINDS.accountChanged],
          }),
      constraints: {
        finance_participants_pkey: {
          status: 409,
          code: 'ACCOUNT_EXISTS',
          message: `account ${req.id} exists; change it with seq`,
        },
      },
    });
    return c.json(receipt, 201);
  });

  doc(
    '/v1/finance/contributions',
    'recordContribution',
    'Record a contribution (the donor stays private; a breach of the cap is recorded with its excess)',
    CONTRIBUTION_SCHEMA,
  );
  app.post('/v1/finance/contributions', async (c) => {
    const req = validate<ContributionRequest>(CONTRIBUTION_SCHEMA, await readJsonBody(c));
    const p = await knownParticipant(db, req.participant);
    const amount = rupiah(req.amount);
    const { rules } = await currentRules(db);
    const donorMac = await keys.donorMac(req.donor.category, req.donor.idNumber);
    const running = await donorRunning(db, p.id, donorMac);
    const outcome = capOutcome(
      running.total,
      amount,
      capFor(rules, contestOf(p.kind), req.donor.category),
    );
    const subject = newSubject('finance-contribution');
    const record: DonorRecord = {
      subject,
      participant: p.id,
      category: req.donor.category,
      country: req.donor.country,
      idNumber: req.donor.idNumber,
      name: req.donor.name,
      amount: String(amount),
      date: req.date,
    };
    const salt = randomBytes(DONOR_SALT_BYTES);
    // node:crypto's HMAC over the verifier's canonical text (the same bytes
    // ledger/verifier/finance/commitment.ts hashes; finance.test.ts checks both agree).
    const commitment = createHmac('sha256', salt).update(donorCommitmentText(record)).digest();
    const { dek, sealed: sealedDek, kekLabel } = await keys.newDek(subject);
    const sealed = sealDonor(dek, subject, canonicalize({ salt: salt.toString('base64'), record }));
    dek.fill(0);
    const payload: ContributionPayload = {
      participant: p.id,
      category: req.donor.category,
      amount: String(amount),
      date: req.date,
      cap: String(outcome.cap),
      excess: String(outcome.excess),
      commitment: commitment.toString('base64'),
    };
    const receipt = await write(writes, c.get('principal'), {
      kind: FINANCE_KINDS.contribution,
      action: FILE,
      schema: CONTRIBUTION_PAYLOAD_SCHEMA,
      subject,
      seq: 1,
      payload,
      area: p.area,
      context: isFiler(p),
      rules: () => donorViolations(req.donor),
      rows: (e) => [
        contributionRow(
          {
            subject,
            participant: p.id,
            category: req.donor.category,
            amount,
            day: req.date,
            excess: outcome.excess,
            donorMac,
            donorSeq: running.count + 1,
            kekLabel,
            dek: sealedDek,
            sealed,
            commitment,
          },
          e,
        ),
      ],
      // Two contributions of one donor computed from the same running total.
      constraints: { finance_donor_running: CONCURRENT },
    });
    return c.json({ ...receipt, cap: payload.cap, excess: payload.excess }, 201);
  });

  doc(
    '/v1/finance/surrenders',
    'recordSurrender',
    'Record the surrender of a contribution’s excess to the state treasury',
    SURRENDER_SCHEMA,
  );
  app.post('/v1/finance/surrenders', async (c) => {
    const req = validate<SurrenderRequest>(SURRENDER_SCHEMA, await readJsonBody(c));
    const p = await knownParticipant(db, req.participant);
    const k = await contribution(db, req.contribution);
    const amount = rupiah(req.amount);
    const receipt = await write(writes, c.get('principal'), {
      kind: FINANCE_KINDS.surrender,
      action: FILE,
      schema: SURRENDER_PAYLOAD_SCHEMA,
      subject: surrenderSubject(req.contribution),
      seq: 1,
      payload: {
        participant: p.id,
        contribution: req.contribution,
        amount: String(amount),
        date: req.date,
        reference: req.reference,
      },
      area: p.area,
      context: isFiler(p),
      // After authorisation: only the filer learns whether the contribution exists.
      rules: () => {
        if (!k || k.participant !== p.id)
          throw notFound(`${p.id} has no contribution ${req.contribution}`);
        return surrenderViolations(BigInt(k.excess), amount);
      },
      rows: (e) => [
        surrenderRow(
          {
            contribution: req.contribution,
            participant: p.id,
            amount,
            day: req.date,
            reference: req.reference,
          },
          e,
        ),
      ],
    });
    return c.json(receipt, 201);
  });

  doc(
    '/v1/finance/expenditures',
    'recordExpenditure',
    'Record a campaign expenditure',
    EXPENDITURE_SCHEMA,
  );
  app.post('/v1/finance/expenditures', async (c) => {
    const req = validate<ExpenditureRequest>(EXPENDITURE_SCHEMA, await readJsonBody(c));
    const p = await knownParticipant(db, req.participant);
    const amount = rupiah(req.amount);
    const subject = newSubject('finance-expenditure');
    const receipt = await write(writes, c.get('principal'), {
      kind: FINANCE_KINDS.expenditure,
      action: FILE,
      schema: EXPENDITURE_PAYLOAD_SCHEMA,
      subject,
      seq: 1,
      payload: {
        participant: p.id,
        category: req.category,
        amount: String(amount),
        date: req.date,
        description: req.description,
      },
      area: p.area,
      context: isFiler(p),
      rows: (e) => [
        expenditureRow(
          {
            subject,
            participant: p.id,
            category: req.category,
            amount,
            day: req.date,
            description: req.description,
          },
          e,
        ),
      ],
    });
    return c.json(receipt, 201);
  });

  doc(
    '/v1/finance/reports',
    'fileFinanceReport',
    'File (or amend) LADK, LPSDK or LPPDK with its document',
    REPORT_SCHEMA,
  );
  app.post('/v1/finance/reports', async (c) => {
    const req = validate<ReportRequest>(REPORT_SCHEMA, await readJsonBody(c));
    const p = await knownParticipant(db, req.participant);
    const bytes = Buffer.from(req.document.base64, 'base64');
    const sha = createHash('sha256').update(bytes).digest();
    const { rules } = await currentRules(db);
    const ledger = await ledgerTotals(db, p.id);
    const declared = totals(rupiah(req.declared.contributions), rupiah(req.declared.expenditures));
    const ledgerTotalsNow = totals(ledger.contributions, ledger.expenditures);
    const deadline = rules.deadlines[req.kind];
    const payload: ReportPayload = {
      participant: p.id,
      kind: req.kind,
      documentSha256: sha.toString('hex'),
      mediaType: req.document.mediaType,
      declared,
      ledger: ledgerTotalsNow,
      difference: difference(declared, ledgerTotalsNow),
      deadline,
      late: isLate(new Date(), deadline),
    };
    const receipt = await write(writes, c.get('principal'), {
      kind: req.seq === 1 ? FINANCE_KINDS.report : FINANCE_KINDS.reportAmended,
      action: FILE,
      schema: REPORT_PAYLOAD_SCHEMA,
      subject: reportSubject(p.id, req.kind),
      seq: req.seq,
      reason: req.reason,
      payload,
      area: p.area,
      context: isFiler(p),
      rules: () =>
        sha.toString('hex') === req.document.sha256
          ? []
          : [
              {
                rule: 'document-hash',
                message: `the document's SHA-256 is ${sha.toString('hex')}, not ${req.document.sha256}`,
              },
            ],
      apply: (tx, e) =>
        insertReport(
          tx,
          {
            participant: p.id,
            kind: req.kind,
            seq: req.seq,
            sha256: sha,
            mediaType: req.document.mediaType,
            bytes,
            payload,
          },
          e,
        ),
      after: [FINANCE_KINDS.report, FINANCE_KINDS.reportAmended],
    });
    return c.json(
      {
        ...receipt,
        late: payload.late,
        difference: payload.difference,
        documentSha256: payload.documentSha256,
      },
      201,
    );
  });

  doc(
    '/v1/finance/auditors',
    'assignFinanceAuditor',
    'Assign the public accountant (KAP) who audits a participant',
    AUDITOR_SCHEMA,
  );
  app.post('/v1/finance/auditors', async (c) => {
    const req = validate<AuditorRequest>(AUDITOR_SCHEMA, await readJsonBody(c));
    const p = await knownParticipant(db, req.participant);
    const auditorRole = await roleViolation(req.auditor, 'AUDITOR', 'auditor');
    const seq = req.seq ?? 1;
    const receipt = await write(writes, c.get('principal'), {
      kind: FINANCE_KINDS.auditor,
      action: MANAGE,
      schema: AUDITOR_PAYLOAD_SCHEMA,
      subject: auditorSubject(p.id),
      seq,
      reason: req.reason,
      payload: { participant: p.id, auditor: req.auditor },
      area: p.area,
      rules: () => (auditorRole ? [auditorRole] : []),
      rows: (e) => [auditorRow(p.id, seq, req.auditor, e)],
      after: [FINANCE_KINDS.auditor],
    });
    return c.json(receipt, 201);
  });

  doc(
    '/v1/finance/openings',
    'openDonorCommitment',
    'Open a donor commitment (the assigned auditor only; logged with its reason)',
    OPENING_SCHEMA,
  );
  app.post('/v1/finance/openings', async (c) => {
    const req = validate<OpeningRequest>(OPENING_SCHEMA, await readJsonBody(c));
    const p = await knownParticipant(db, req.participant);
    const k = await contribution(db, req.contribution);
    const auditor = await currentAuditor(db, p.id);
    const subject = newSubject('finance-opening');
    const principal = c.get('principal');
    const receipt = await write(writes, principal, {
      kind: FINANCE_KINDS.opening,
      action: OPEN,
      schema: OPENING_PAYLOAD_SCHEMA,
      subject,
      seq: 1,
      payload: { participant: p.id, contribution: req.contribution, reason: req.reason },
      area: p.area,
      context: (who) => ({ assigned: auditor !== null && auditor.auditor === who.id }),
      rules: () => {
        if (!k || k.participant !== p.id)
          throw notFound(`${p.id} has no contribution ${req.contribution}`);
        return [];
      },
      rows: (e) => [openingRow(subject, req.contribution, (principal as OfficerPrincipal).id, e)],
    });
    // Only once the opening is committed to the log does the donor leave the vault.
    const row = k!;
    const dek = await keys.openDek(row.subject, row.kek_label, row.dek);
    const opened = JSON.parse(openDonor(dek, row.subject, row.sealed)) as {
      salt: string;
      record: DonorRecord;
    };
    dek.fill(0);
    return c.json({ ...receipt, opening: opened }, 201);
  });
}

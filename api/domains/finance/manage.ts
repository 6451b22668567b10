/**
 * KPU's side of campaign finance (`finance.manage`, policies/finance.cedar): the
 * election's rules, campaign accounts and the assignment of auditors (KAP).
 */
import type { JsonObject } from '../../../ledger/index.ts';
import { readJsonBody } from '../../json-body.ts';
import { validate } from '../../schemas.ts';
import { accountSubject, auditorSubject, FINANCE_KINDS, RULES_SUBJECT } from './kinds.ts';
import { accountViolations, contestOf, rulesViolations } from './rules.ts';
import {
  ACCOUNT_PAYLOAD_SCHEMA,
  ACCOUNT_SCHEMA,
  type AccountRequest,
  AUDITOR_PAYLOAD_SCHEMA,
  AUDITOR_SCHEMA,
  type AuditorRequest,
  type FinanceRules,
  RULES_PAYLOAD_SCHEMA,
  RULES_SCHEMA,
} from './schemas.ts';
import {
  advanceParticipant,
  auditorRow,
  currentRules,
  participant,
  participantRow,
  rulesRow,
} from './store.ts';
import {
  type App,
  CONCURRENT,
  doc,
  type FinanceDeps,
  knownParticipant,
  MANAGE,
  write,
} from './write.ts';

export function manageRoutes(app: App, deps: FinanceDeps): void {
  const { writes, db } = deps;
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
}

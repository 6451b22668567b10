/**
 * Expenditures and the reports (LADK, LPSDK, LPPDK) with their documents
 * (`finance.file`): a report holds the document's SHA-256, the declared and the
 * ledger's totals, their difference and whether it was late.
 */
import { createHash } from 'node:crypto';
import { readJsonBody } from '../../json-body.ts';
import { validate } from '../../schemas.ts';
import { FINANCE_KINDS, reportSubject } from './kinds.ts';
import { difference, isLate, rupiah, totals } from './rules.ts';
import {
  EXPENDITURE_PAYLOAD_SCHEMA,
  EXPENDITURE_SCHEMA,
  type ExpenditureRequest,
  REPORT_PAYLOAD_SCHEMA,
  REPORT_SCHEMA,
  type ReportPayload,
  type ReportRequest,
} from './schemas.ts';
import { currentRules, expenditureRow, insertReport, ledgerTotals } from './store.ts';
import {
  type App,
  doc,
  FILE,
  type FinanceDeps,
  isFiler,
  knownParticipant,
  newSubject,
  write,
} from './write.ts';

export function reportRoutes(app: App, deps: FinanceDeps): void {
  const { writes, db } = deps;
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
}

/**
 * The auditor's opening of a donor commitment (`finance.donor.open`): logged
 * with its reason before the donor record is decrypted and answered.
 */
import type { DonorRecord } from '../../../ledger/verifier/finance/index.ts';
import type { OfficerPrincipal } from '../../auth/principal.ts';
import { notFound } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { validate } from '../../schemas.ts';
import { openDonor } from './crypto.ts';
import { FINANCE_KINDS } from './kinds.ts';
import { OPENING_PAYLOAD_SCHEMA, OPENING_SCHEMA, type OpeningRequest } from './schemas.ts';
import { contribution, currentAuditor, openingRow } from './store.ts';
import {
  type App,
  doc,
  type FinanceDeps,
  knownParticipant,
  newSubject,
  OPEN,
  write,
} from './write.ts';

export function openingRoutes(app: App, deps: FinanceDeps): void {
  const { writes, db, keys } = deps;
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

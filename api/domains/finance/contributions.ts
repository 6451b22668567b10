/**
 * Contributions and the surrender of their excess (`finance.file`): the donor
 * stays private (a commitment in the log, the record sealed at rest), the cap
 * is checked against the donor's running total through its keyed index.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { canonicalize } from '../../../ledger/index.ts';
import {
  DONOR_SALT_BYTES,
  type DonorRecord,
  donorCommitmentText,
} from '../../../ledger/verifier/finance/index.ts';
import { notFound } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { validate } from '../../schemas.ts';
import { sealDonor } from './crypto.ts';
import { FINANCE_KINDS, surrenderSubject } from './kinds.ts';
import {
  capFor,
  capOutcome,
  contestOf,
  donorViolations,
  rupiah,
  surrenderViolations,
} from './rules.ts';
import {
  CONTRIBUTION_PAYLOAD_SCHEMA,
  CONTRIBUTION_SCHEMA,
  type ContributionPayload,
  type ContributionRequest,
  SURRENDER_PAYLOAD_SCHEMA,
  SURRENDER_SCHEMA,
  type SurrenderRequest,
} from './schemas.ts';
import {
  contribution,
  contributionRow,
  currentRules,
  donorRunning,
  surrenderRow,
} from './store.ts';
import {
  type App,
  CONCURRENT,
  doc,
  FILE,
  type FinanceDeps,
  isFiler,
  knownParticipant,
  newSubject,
  write,
} from './write.ts';

export function contributionRoutes(app: App, deps: FinanceDeps): void {
  const { writes, db, keys } = deps;
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
}

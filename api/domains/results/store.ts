/**
 * What the results domain stores (infra/db/migrations/008_results.sql): one
 * `count_forms` row per version of a C.Hasil, written in the ledgered write's
 * transaction, with the status and failed checks the rules give it. The reads are
 * in read/ (results per area, TPS history, the CSV export); the recap tables are
 * the publisher's (recap/publisher.ts).
 */
import type { Sql } from '../../../ledger/index.ts';
import type { WriteContext } from '../../write/ledgered-write.ts';
import type { DomainRow } from '../../write/write-batch.ts';
import type { CountForm } from './forms/index.ts';
import { type FormStage, judgeForm, type RegisterVerdict } from './rules.ts';

export function countFormRow(w: WriteContext<CountForm>, stage: FormStage): DomainRow {
  const { status, failed, checks } = judgeForm(w.payload);
  return {
    table: 'count_forms',
    values: {
      subject: w.subject,
      seq: w.seq,
      contest: w.payload.contest,
      tps: w.payload.tps,
      stage,
      status,
      failed_checks: failed,
      checks,
      form: w.payload,
      photo: Buffer.from(w.payload.photo, 'hex'),
      officer_id: w.principal.id,
      reason: w.reason ?? null,
      entry_hash: w.entryHash,
      pending_id: w.pendingId,
    },
  };
}

/** A version's verdict against the voter register (migration 017; rules.ts registerCheck). */
export async function insertRegisterCheck(
  tx: Sql,
  w: WriteContext<CountForm>,
  verdict: RegisterVerdict,
): Promise<void> {
  await tx.query(
    'INSERT INTO count_form_register_checks (subject, seq, within, verdict) VALUES ($1, $2, $3, $4::jsonb)',
    [w.subject, w.seq, verdict.within, JSON.stringify(verdict)],
  );
}

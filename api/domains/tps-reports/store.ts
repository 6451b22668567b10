/**
 * The `tps_reports` table (infra/db/migrations): one row per version, written in
 * the ledgered write's transaction, read back for the public history of a TPS.
 */
import type { Db } from '../../../ledger/index.ts';
import type { WriteContext } from '../../write/ledgered-write.ts';
import type { DomainRow } from '../../write/write-batch.ts';
import type { TpsReportPayload } from './schemas.ts';

export function reportRow(w: WriteContext<TpsReportPayload>): DomainRow {
  return {
    table: 'tps_reports',
    values: {
      subject: w.subject,
      seq: w.seq,
      tps: w.payload.tps,
      type: w.payload.type,
      occurred_at: w.payload.occurredAt,
      description: w.payload.description,
      officer_id: w.principal.id,
      entry_hash: w.entryHash,
    },
  };
}

export interface StoredReport {
  subject: string;
  seq: number;
  type: string;
  occurred_at: Date | string;
  description: string;
  officer_id: string;
  entry_hash: Uint8Array;
}

/** Every version of every report of a TPS, by subject, oldest version first. */
export function reportsOf(db: Db, tps: string): Promise<StoredReport[]> {
  return db.query<StoredReport>(
    'SELECT subject, seq, type, occurred_at, description, officer_id, entry_hash FROM tps_reports WHERE tps = $1 ORDER BY subject, seq',
    [tps],
  );
}

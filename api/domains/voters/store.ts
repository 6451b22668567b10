/**
 * The voter tables (infra/db/migrations/014_voters.sql): `voters` (current state,
 * personal fields sealed), `voter_changes` (the public facts of each version)
 * and `voter_salts` (each version's sealed opening). Written only inside the
 * ledgered write's transaction; no column holds personal data in clear.
 */
import type { Db, Sql } from '../../../ledger/index.ts';
import type { DomainRow } from '../../write/write-batch.ts';
import type { VoterList, VoterPublicPayload } from './schemas.ts';

export interface VoterRow {
  subject: string;
  seq: number;
  tps: string;
  list: VoterList;
  removed: boolean;
  kek_label: string;
  dek: Uint8Array | null;
  personal: Uint8Array | null;
}

/** The voter holding this NIK index value, or null. */
export async function voterByNik(db: Sql, nikMac: Uint8Array): Promise<VoterRow | null> {
  const [row] = await db.query<VoterRow>(
    'SELECT subject, seq, tps, list, removed, kek_label, dek, personal FROM voters WHERE nik_mac = $1',
    [nikMac],
  );
  return row ?? null;
}

/** A voter's row as stored: the keyed NIK index, the assignment and the sealed record. */
export interface VoterFields {
  subject: string;
  nikMac: Uint8Array;
  tps: string;
  list: VoterList;
  kekLabel: string;
  dek: Uint8Array;
  personal: Uint8Array;
}

export function voterRow(v: VoterFields): DomainRow {
  return {
    table: 'voters',
    values: {
      subject: v.subject,
      nik_mac: v.nikMac,
      seq: 1,
      tps: v.tps,
      list: v.list,
      kek_label: v.kekLabel,
      dek: v.dek,
      personal: v.personal,
    },
  };
}

export function changeRow(
  subject: string,
  seq: number,
  p: VoterPublicPayload,
  commitment: Uint8Array,
  e: { entryHash: Uint8Array; pendingId: number },
): DomainRow {
  return {
    table: 'voter_changes',
    values: {
      subject,
      seq,
      tps: p.tps,
      list: p.list,
      change: p.change,
      reason_code: p.reason,
      commitment,
      entry_hash: e.entryHash,
      pending_id: e.pendingId,
    },
  };
}

export const openingRow = (subject: string, seq: number, sealed: Uint8Array): DomainRow => ({
  table: 'voter_salts',
  values: { subject, seq, sealed },
});

/** Moves the current state to version `seq` (only from `seq - 1`: a lost race changes nothing). */
export async function advanceVoter(
  tx: Sql,
  subject: string,
  seq: number,
  state: { tps: string; list: VoterList; removed: boolean },
): Promise<void> {
  await tx.query(
    'UPDATE voters SET seq = $2, tps = $3, list = $4, removed = $5 WHERE subject = $1 AND seq = $6',
    [subject, seq, state.tps, state.list, state.removed, seq - 1],
  );
}

export interface SelfCheckRow extends VoterRow {
  opening: Uint8Array | null;
  pending_id: number | string;
}

/** The voter of this NIK index with its current version's opening and log entry. */
export async function selfCheckRow(db: Db, nikMac: Uint8Array): Promise<SelfCheckRow | null> {
  const [row] = await db.query<SelfCheckRow>(
    `SELECT v.subject, v.seq, v.tps, v.list, v.removed, v.kek_label, v.dek, v.personal,
            s.sealed AS opening, c.pending_id
       FROM voters v
       JOIN voter_changes c ON c.subject = v.subject AND c.seq = v.seq
       LEFT JOIN voter_salts s ON s.subject = v.subject AND s.seq = v.seq
      WHERE v.nik_mac = $1`,
    [nikMac],
  );
  return row ?? null;
}

/**
 * subject_versions: one row per version of every subject, (subject, seq) its
 * primary key — the optimistic lock that refuses a second writer of the same
 * version — with the version's leaf hash, its pending row and its kind (the state
 * the next version's transition is checked against). Only this folder writes it.
 */
import type { Hash } from '../hash.ts';
import type { Sql } from '../store/db.ts';

export interface StoredVersion {
  subject: string;
  seq: number;
  leafHash: Hash;
  /** The entry kind; null for versions recorded before kinds were (migration 008). */
  kind: string | null;
}

export interface LatestVersion extends StoredVersion {
  /** The version's entry bytes (RFC 8785 JSON), as appended. */
  entry: Uint8Array;
}

/** The versions (subject, seq) that exist among those asked for, keyed `${seq}:${subject}`. */
export async function versionsAt(
  sql: Sql,
  wanted: readonly { subject: string; seq: number }[],
): Promise<Map<string, StoredVersion>> {
  const found = new Map<string, StoredVersion>();
  if (wanted.length === 0) return found;
  const rows = await sql.query<{
    subject: string;
    seq: number;
    leaf_hash: Uint8Array;
    kind: string | null;
  }>(
    `SELECT v.subject, v.seq, v.leaf_hash, v.kind
       FROM unnest($1::text[], $2::int4[]) AS u(subject, seq)
       JOIN subject_versions v ON v.subject = u.subject AND v.seq = u.seq`,
    [wanted.map((w) => w.subject), wanted.map((w) => w.seq)],
  );
  for (const r of rows)
    found.set(versionKey(r.subject, r.seq), {
      subject: r.subject,
      seq: r.seq,
      leafHash: r.leaf_hash,
      kind: r.kind,
    });
  return found;
}

export const versionKey = (subject: string, seq: number) => `${seq}:${subject}`;

/**
 * The latest version of each subject that has one, with its entry. A system
 * writer that computes `seq` itself calls lockSubjects first, in the same
 * transaction, so that the version it reads is still the latest when it appends.
 */
export async function latestVersions(
  sql: Sql,
  subjects: readonly string[],
): Promise<Map<string, LatestVersion>> {
  const out = new Map<string, LatestVersion>();
  if (subjects.length === 0) return out;
  const rows = await sql.query<{
    subject: string;
    seq: number;
    leaf_hash: Uint8Array;
    kind: string | null;
    entry: Uint8Array;
  }>(
    `SELECT v.subject, v.seq, v.leaf_hash, v.kind, p.entry
       FROM (SELECT DISTINCT ON (subject) subject, seq, leaf_hash, kind, pending_id
               FROM subject_versions WHERE subject = ANY($1::text[])
              ORDER BY subject, seq DESC) v
       JOIN ledger_pending p ON p.id = v.pending_id`,
    [[...subjects]],
  );
  for (const r of rows)
    out.set(r.subject, {
      subject: r.subject,
      seq: r.seq,
      leafHash: new Uint8Array(r.leaf_hash),
      kind: r.kind,
      entry: new Uint8Array(r.entry),
    });
  return out;
}

/** Advisory-lock class of subjects (two-int4 keys: apart from the log's own int8 locks). */
const SUBJECT_LOCK_CLASS = 6962;

/**
 * Serialises writers of the same subjects until the end of the transaction
 * (several starting nodes recording the same activation, two imports of one
 * dataset). Locks are taken in sorted order, so two writers never deadlock.
 */
export async function lockSubjects(tx: Sql, subjects: readonly string[]): Promise<void> {
  if (subjects.length === 0) return;
  const sorted = [...new Set(subjects)].sort();
  for (const s of sorted)
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SUBJECT_LOCK_CLASS, s]);
}

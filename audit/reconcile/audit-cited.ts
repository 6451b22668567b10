/**
 * The audit tables (migration 016) cite their log entry by pending row, not by
 * leaf hash. A row's citation is resolved through the subject version it must
 * be: the version's leaf hash when that version was appended as the row's
 * pending row, else null (the row cites another entry, or none).
 */
export const citedVersion = (subjectSql: string, seqSql: string, pendingSql: string): string =>
  `(SELECT v.leaf_hash FROM subject_versions v
     WHERE v.subject = ${subjectSql} AND v.seq = ${seqSql} AND v.pending_id = ${pendingSql})`;

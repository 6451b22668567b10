/**
 * The one door into the log (ARCHITECTURE.md "One door in, one door out"): every
 * append — a request through the group commit, a system write, an import, a
 * recap — is a version of a subject, completed and checked here and inserted
 * with its subject_versions row in one statement, inside the caller's
 * transaction (so a domain write and its entry commit together).
 *
 * The invariants, enforced here and nowhere else:
 *   - no gaps: version seq > 1 is appended only if version seq − 1 exists (in the
 *     table, or earlier in the same batch), and `prev` is that version's leaf hash;
 *   - no twins: (subject, seq) is the table's primary key; a second writer of the
 *     same version is refused (VERSION_EXISTS), within a batch or across them;
 *   - the state machine: a draft that names `after` follows only those kinds;
 *   - one `at`: the canonical form of ./at.ts, stamped here unless given;
 *   - a valid envelope (../entry.ts), at most 65,535 bytes (C2SP entry bundles).
 *
 * A batch of N drafts costs at most two statements whatever N is (the previous
 * versions, then entries and versions together): the group-committed write's
 * budget (issue #3, "Where the time goes").
 */
import type { EntryActor, JsonObject } from '../entry.ts';
import { validateEntry } from '../entry.ts';
import { base64, type Hash } from '../hash.ts';
import type { Sql } from '../store/db.ts';
import { canonicalAt, canonicalAtIssue } from './at.ts';
import { SubjectLogError } from './errors.ts';
import { type StoredVersion, versionKey, versionsAt } from './versions.ts';

/** A public record, or a commitment to personal data with its public part. */
export type VersionBody =
  | { payload: JsonObject; commitment?: never; public?: never }
  | { commitment: string; public: JsonObject; payload?: never };

/** What a writer states about a new version; the subject log completes the rest. */
export type VersionDraft = VersionBody & {
  /** `domain.entity.event`. */
  kind: string;
  subject: string;
  /** The version written: 1 for a new subject, else exactly one past the latest. */
  seq: number;
  actor: EntryActor;
  /** Why this version exists; required for seq > 1. */
  reason?: string | undefined;
  ref?: string | undefined;
  /** Canonical RFC 3339 (./at.ts); now, if absent. Given by imports and tests. */
  at?: string | undefined;
  /** For seq > 1: the kinds the previous version may have (BAD_TRANSITION otherwise). */
  after?: readonly string[] | undefined;
  /**
   * Imports only: the `prev` the envelope states, which must be the previous
   * version's leaf hash (PREV_MISMATCH otherwise). Others leave it out and get it.
   */
  prev?: string | null | undefined;
};

export interface AppendedVersion {
  kind: string;
  subject: string;
  seq: number;
  /** RFC 9162 leaf hash of the entry. */
  leafHash: Hash;
  /** The entry's row in the pending queue (what the sequencer integrates). */
  pendingId: number;
}

interface Built {
  bytes: Uint8Array;
  leafHash: Hash;
}

/**
 * Appends a version for each draft, in order, in `tx`. Throws SubjectLogError
 * (with `item`, the draft's position, where one draft is to blame) and then
 * nothing of the batch may be committed: the caller's transaction rolls back.
 */
export async function appendVersions(
  tx: Sql,
  drafts: readonly VersionDraft[],
): Promise<AppendedVersion[]> {
  if (drafts.length === 0) return [];
  drafts.forEach((d, i) => {
    if (!Number.isSafeInteger(d.seq) || d.seq < 1)
      throw new SubjectLogError('INVALID_ENTRY', '/seq must be a safe integer ≥ 1', i);
  });
  // A correction whose predecessor is earlier in this same batch takes it from
  // there (it is not in the table yet); the others from one SELECT.
  const stored = await versionsAt(
    tx,
    drafts.filter((d) => d.seq > 1).map((d) => ({ subject: d.subject, seq: d.seq - 1 })),
  );
  const madeHere = new Map<string, StoredVersion>();
  const now = canonicalAt();
  const built = drafts.map((d, i): Built => {
    const key = versionKey(d.subject, d.seq);
    if (madeHere.has(key))
      throw new SubjectLogError(
        'VERSION_EXISTS',
        `${d.subject} already has version ${d.seq} (a replay, or a concurrent write)`,
        i,
      );
    const previous =
      d.seq === 1
        ? null
        : (madeHere.get(versionKey(d.subject, d.seq - 1)) ??
          stored.get(versionKey(d.subject, d.seq - 1)));
    if (previous === undefined)
      throw new SubjectLogError(
        'NO_PREVIOUS_VERSION',
        `${d.subject} has no version ${d.seq - 1} to correct`,
        i,
      );
    if (
      previous !== null &&
      d.after &&
      !(previous.kind !== null && d.after.includes(previous.kind))
    )
      throw new SubjectLogError(
        'BAD_TRANSITION',
        `${d.kind} cannot follow ${previous.kind ?? 'an unrecorded kind'} (version ${d.seq - 1} of ${d.subject}); it follows ${d.after.join(' or ')}`,
        i,
      );
    const prev = previous === null ? null : base64(previous.leafHash);
    if (d.prev !== undefined && d.prev !== prev)
      throw new SubjectLogError(
        'PREV_MISMATCH',
        `${d.subject} version ${d.seq} names prev ${JSON.stringify(d.prev)}, but version ${d.seq - 1} has leaf hash ${JSON.stringify(prev)}`,
        i,
      );
    const at = d.at ?? now;
    const atIssue = canonicalAtIssue(at);
    if (atIssue) {
      const issues = [{ path: '/at', message: atIssue }];
      throw new SubjectLogError('INVALID_ENTRY', `/at ${atIssue}`, i, issues);
    }
    const checked = validateEntry({
      v: 1,
      kind: d.kind,
      subject: d.subject,
      seq: d.seq,
      prev,
      at,
      actor: d.actor,
      ...(d.payload === undefined
        ? { commitment: d.commitment, public: d.public }
        : { payload: d.payload }),
      ...(d.reason === undefined ? {} : { reason: d.reason }),
      ...(d.ref === undefined ? {} : { ref: d.ref }),
    });
    if (!checked.ok)
      throw new SubjectLogError(
        'INVALID_ENTRY',
        checked.errors.map((e) => `${e.path} ${e.message}`).join('; '),
        i,
        checked.errors,
      );
    madeHere.set(key, { subject: d.subject, seq: d.seq, leafHash: checked.leafHash, kind: d.kind });
    return { bytes: checked.bytes, leafHash: checked.leafHash };
  });

  // Pending entries and subject versions in one statement, with no join in it.
  // Each draft takes its pending id from the table's own sequence in draft order
  // (`s`, evaluated once: MATERIALIZED), so both inserts read the same rows and
  // ids, and `ledger_pending_order (tx, id)` keeps the drafts' order. ON CONFLICT
  // DO NOTHING drops a version that exists; the ids `v` returned say which. No
  // join: the recap publisher turns hash and merge joins off for its reads
  // (../../api/domains/results/recap/publisher.ts), and under that a join of two
  // CTEs is a nested loop, quadratic in the batch (bench:results: 421 ms for a
  // tick of 1,100 recaps where this takes 84). The entries travel as one binary
  // parameter cut by lengths, the leaf hashes as another (32 bytes each): a
  // bytea[] parameter is sent as hex text in an array literal, which doubled the
  // bytes and made PostgreSQL parse it (bench:results: this statement was 29% of
  // its time).
  const packed = pack(built.map((b) => b.bytes));
  const [row] = await tx.query<{ ids: (number | string)[]; made: (number | string)[] }>(
    `WITH s AS MATERIALIZED (
       SELECT nextval('ledger_pending_id_seq'::regclass) AS id, u.*
         FROM unnest($6::int4[], $7::int4[], $2::text[], $3::int4[], $5::text[])
              WITH ORDINALITY AS u(o, l, subject, seq, kind, ord)
     ), p AS (
       INSERT INTO ledger_pending (id, entry)
       SELECT id, substring($1::bytea FROM o FOR l) FROM s ORDER BY ord
     ), v AS (
       INSERT INTO subject_versions (subject, seq, leaf_hash, pending_id, kind)
       SELECT subject, seq, substring($4::bytea FROM ord::int * 32 - 31 FOR 32), id, kind FROM s
       ON CONFLICT DO NOTHING
       RETURNING pending_id
     )
     SELECT array(SELECT id FROM s ORDER BY ord) AS ids, array(SELECT pending_id FROM v) AS made`,
    [
      packed.bytes,
      drafts.map((d) => d.subject),
      drafts.map((d) => d.seq),
      pack(built.map((b) => b.leafHash)).bytes,
      drafts.map((d) => d.kind),
      packed.offsets,
      packed.lengths,
    ],
  );
  const ids = (row?.ids ?? []).map(Number);
  const made = new Set((row?.made ?? []).map(Number));
  const refused = ids.findIndex((id) => !made.has(id));
  if (refused >= 0 || ids.length !== drafts.length) {
    const d = drafts[Math.max(refused, 0)]!;
    throw new SubjectLogError(
      'VERSION_EXISTS',
      `${d.subject} already has version ${d.seq} (a replay, or a concurrent write)`,
      refused >= 0 ? refused : undefined,
    );
  }
  return drafts.map((d, i) => ({
    kind: d.kind,
    subject: d.subject,
    seq: d.seq,
    leafHash: built[i]!.leafHash,
    pendingId: ids[i]!,
  }));
}

/** Byte strings as one buffer, with 1-based offsets and lengths (for SQL substring). */
function pack(parts: readonly Uint8Array[]): {
  bytes: Buffer;
  offsets: number[];
  lengths: number[];
} {
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1;
  for (const p of parts) {
    offsets.push(at);
    lengths.push(p.length);
    at += p.length;
  }
  return { bytes: Buffer.concat(parts), offsets, lengths };
}

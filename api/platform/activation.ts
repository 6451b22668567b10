/**
 * What was in force, and from which log index: at start-up the API records the
 * active policy set's SHA-256 and the public keys it signs with, as versions of
 * the subjects `policy-set`, `key:log` and `key:token` — but only when they
 * changed since the last recorded version. An auditor reading the log then knows
 * which rules and keys were active at any index (ARCHITECTURE.md "Identity,
 * policy, keys"); a rotation done in the key service shows up as a new version.
 */
import {
  addPending,
  canonicalize,
  type Db,
  type EntryEnvelope,
  encodeEntry,
  type JsonObject,
  leafHash,
} from '../../ledger/index.ts';

export interface Activation {
  subject: string;
  kind: string;
  payload: JsonObject;
}

const SYSTEM_ACTOR = { id: 'saksi', role: 'SYSTEM' };

/** Appends a new version for each activation whose payload differs from the last one. Returns the pending ids. */
export async function recordActivations(
  db: Db,
  activations: readonly Activation[],
): Promise<number[]> {
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (const a of activations) {
      // Serialise concurrent starting nodes on the same subject.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [a.subject]);
      const [last] = await tx.query<{ seq: number; leaf_hash: Uint8Array; entry: Uint8Array }>(
        `SELECT v.seq, v.leaf_hash, p.entry FROM subject_versions v JOIN ledger_pending p ON p.id = v.pending_id
         WHERE v.subject = $1 ORDER BY v.seq DESC LIMIT 1`,
        [a.subject],
      );
      if (last) {
        const previous = JSON.parse(Buffer.from(last.entry).toString('utf8')) as {
          payload?: unknown;
        };
        // Stored entries are canonical JSON (RFC 8785): compare canonical forms.
        if (canonicalize(previous.payload) === canonicalize(a.payload)) continue;
      }
      const seq = (last?.seq ?? 0) + 1;
      const envelope: EntryEnvelope = {
        v: 1,
        kind: a.kind,
        subject: a.subject,
        seq,
        prev: last ? Buffer.from(last.leaf_hash).toString('base64') : null,
        at: new Date().toISOString(),
        actor: SYSTEM_ACTOR,
        payload: a.payload,
        ...(seq > 1 ? { reason: 'changed since the last start-up' } : {}),
      };
      const bytes = encodeEntry(envelope);
      const [id] = await addPending(tx, [bytes]);
      await tx.query(
        'INSERT INTO subject_versions (subject, seq, leaf_hash, pending_id) VALUES ($1, $2, $3, $4)',
        [a.subject, seq, leafHash(bytes), id],
      );
      ids.push(id!);
    }
    return ids;
  });
}

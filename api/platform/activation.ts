/**
 * What was in force, and from which log index: at start-up the API records the
 * active policy set's SHA-256 and the public keys it signs with, as versions of
 * the subjects `policy-set`, `key:log` and `key:token` — but only when they
 * changed since the last recorded version. An auditor reading the log then knows
 * which rules and keys were active at any index (ARCHITECTURE.md "Identity,
 * policy, keys"); a rotation done in the key service shows up as a new version.
 */
import {
  appendVersions,
  canonicalize,
  type Db,
  type JsonObject,
  latestVersions,
  lockSubjects,
  SYSTEM_ACTOR,
  type VersionDraft,
} from '../../ledger/index.ts';
import { fromUtf8 } from '../../ledger/verifier/encoding.ts';

export interface Activation {
  subject: string;
  kind: string;
  payload: JsonObject;
  /** Why a later version replaces the last one; the default is a start-up's. */
  reason?: string;
}

/** Appends a new version for each activation whose payload differs from the last one. Returns the pending ids. */
export async function recordActivations(
  db: Db,
  activations: readonly Activation[],
): Promise<number[]> {
  return db.transaction(async (tx) => {
    const subjects = activations.map((a) => a.subject);
    // Serialise concurrent starting nodes on the same subjects.
    await lockSubjects(tx, subjects);
    const latest = await latestVersions(tx, subjects);
    const drafts: VersionDraft[] = [];
    for (const a of activations) {
      const last = latest.get(a.subject);
      if (last) {
        const previous = JSON.parse(fromUtf8(last.entry)) as { payload?: unknown };
        // Stored entries are canonical JSON (RFC 8785): compare canonical forms.
        if (canonicalize(previous.payload) === canonicalize(a.payload)) continue;
      }
      const seq = (last?.seq ?? 0) + 1;
      drafts.push({
        kind: a.kind,
        subject: a.subject,
        seq,
        actor: SYSTEM_ACTOR,
        payload: a.payload,
        ...(seq > 1 ? { reason: a.reason ?? 'changed since the last start-up' } : {}),
      });
    }
    return (await appendVersions(tx, drafts)).map((v) => v.pendingId);
  });
}

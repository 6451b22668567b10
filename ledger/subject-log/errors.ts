/**
 * What the subject log refuses, as typed errors (CONVENTIONS.md §5): the API edge
 * turns them into HTTP answers (api/write/write-batch.ts), the CLI into line
 * numbers. Every refusal leaves the database as it was — the caller's transaction
 * is rolled back by the throw.
 */
import type { EntryIssue } from '../entry.ts';

export type SubjectLogErrorCode =
  /** Not a valid envelope, or `at` not in the canonical form (./at.ts). */
  | 'INVALID_ENTRY'
  /** seq > 1, and the subject has no version seq − 1: versions have no gaps. */
  | 'NO_PREVIOUS_VERSION'
  /** The previous version's kind is not one this kind may follow. */
  | 'BAD_TRANSITION'
  /** The version exists already (a replay, or a concurrent writer won). */
  | 'VERSION_EXISTS'
  /** An imported envelope names a `prev` other than the previous version's leaf hash. */
  | 'PREV_MISMATCH';

export class SubjectLogError extends Error {
  constructor(
    readonly code: SubjectLogErrorCode,
    message: string,
    /** Position of the offending draft in the batch, when one draft is to blame. */
    readonly item?: number,
    readonly issues: readonly EntryIssue[] = [],
  ) {
    super(message);
    this.name = 'SubjectLogError';
  }
}

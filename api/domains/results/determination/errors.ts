/**
 * Typed failures of the determination rules (CONVENTIONS.md §5): a string-literal
 * `code` to switch on, the message for humans.
 *
 * Every one of these means the *input* is unusable — a count that is not a count, a
 * duplicate id, totals that contradict each other. They are never retryable. An
 * expected outcome (a run-off, a tie decided by a rule, a seat left unfilled) is not
 * an error: it comes back as a value.
 */
export type DeterminationErrorCode =
  /** Not an array / object where one was required (wrong-typed input). */
  | 'INVALID_INPUT'
  /** A vote count is not a non-negative safe integer, or a total would overflow. */
  | 'INVALID_VOTES'
  /** A seat count is not a safe integer in the allowed range. */
  | 'INVALID_SEATS'
  /** The threshold is not a percentage in [0, 100] with at most two decimals. */
  | 'INVALID_THRESHOLD'
  /** An id (party, candidate, pair, province) is not a non-empty string. */
  | 'INVALID_ID'
  /** The same id (or ballot/list number) appears twice where it must be unique. */
  | 'DUPLICATE_ID'
  /** A ballot or list number is not a positive safe integer. */
  | 'INVALID_NUMBER'
  /** A spread vector is malformed, or present for some entries and not others. */
  | 'INVALID_SPREAD'
  /** An explicit tie order does not list exactly the parties being allocated. */
  | 'INVALID_TIE_ORDER'
  /** A party (or pair) is referenced that the other input does not know. */
  | 'UNKNOWN_PARTY'
  /** A party won seats but no candidate list was supplied for it. */
  | 'MISSING_LIST'
  /** Seats are to be allocated but nobody received a vote. */
  | 'NO_VOTES'
  /** Totals contradict each other (e.g. provinces add up to more than the nation). */
  | 'INCONSISTENT_TOTALS'
  /** The provinces supplied are not the expected set (count, duplicates, zero votes). */
  | 'INVALID_PROVINCES';

export class DeterminationError extends Error {
  readonly code: DeterminationErrorCode;
  /** Always false: the same input fails the same way every time. */
  readonly retryable = false;
  constructor(code: DeterminationErrorCode, message: string) {
    super(message);
    this.name = 'DeterminationError';
    this.code = code;
  }
}

/**
 * Typed failures of the observer's results check (CONVENTIONS.md §5, like
 * ../errors.ts for the log): a string-literal `code` a caller — the CLI, the
 * portal — can switch on; the message is for humans and names the level.
 */
export type ResultsVerifyErrorCode =
  /** The proof document is not the shape ./proof-schema.ts describes. */
  | 'MALFORMED_PROOF'
  /** A logged entry is not JSON, or not an entry envelope of the expected kind's shape. */
  | 'MALFORMED_ENTRY'
  /** The form entry's payload fails the count-form schema (./count-form.ts). */
  | 'MALFORMED_FORM'
  /** A recap entry's payload fails the recap schema (./proof-schema.ts). */
  | 'MALFORMED_RECAP'
  /** The checkpoint does not open with the log key (bad signature, wrong key, bad note). */
  | 'BAD_CHECKPOINT'
  /** The checkpoint's tree size is not the proof's treeSize. */
  | 'CHECKPOINT_SIZE_MISMATCH'
  /** An entry's inclusion proof does not lead to the checkpoint's root. */
  | 'NOT_INCLUDED'
  /** The form entry carries no device key or signature. */
  | 'UNSIGNED_FORM'
  /** The device signature does not verify over the form entry's content. */
  | 'BAD_DEVICE_SIGNATURE'
  /** The form entry is for another contest or TPS than the proof says. */
  | 'WRONG_SUBJECT'
  /** An entry's kind is not what the chain needs (a machine reading never counts). */
  | 'WRONG_KIND'
  /** A recap entry is for another contest or area than its level says. */
  | 'WRONG_AREA'
  /** A recap does not list the level below it. */
  | 'CHILD_MISSING'
  /** A recap lists the level below with another hash, version or figures. */
  | 'CHILD_MISMATCH'
  /** A recap lists the form with a status its checks do not give (a flagged form summed). */
  | 'STATUS_MISMATCH'
  /** A recap lists a row that does not lie in its area. */
  | 'FOREIGN_CHILD'
  /** A recap lists the same row twice (it would be counted twice). */
  | 'COUNTED_TWICE'
  /** A TPS row shaped as an area row or the reverse (either would miscount TPS). */
  | 'WRONG_ROW_SHAPE'
  /** A recap's totals are not the sum of the children it lists. */
  | 'SUM_MISMATCH'
  /** The levels do not reach the national recap. */
  | 'CHAIN_INCOMPLETE'
  /** A row was judged by a check-set version this verifier does not know. */
  | 'UNKNOWN_CHECKS_VERSION';

export class ResultsVerifyError extends Error {
  readonly code: ResultsVerifyErrorCode;
  constructor(code: ResultsVerifyErrorCode, message: string) {
    super(message);
    this.name = 'ResultsVerifyError';
    this.code = code;
  }
}

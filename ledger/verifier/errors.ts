/**
 * Typed errors of the verifier (CONVENTIONS.md §5: a string-literal `code` a caller
 * can switch on; the message is for humans).
 */
export type VerifyErrorCode =
  | 'MALFORMED_TILE_PATH'
  | 'MALFORMED_BASE64'
  | 'MALFORMED_NOTE'
  | 'MALFORMED_CHECKPOINT'
  | 'MALFORMED_VERIFIER_KEY'
  | 'MALFORMED_BUNDLE'
  | 'MALFORMED_TILE'
  | 'UNVERIFIED_NOTE'
  | 'BAD_PROOF'
  | 'ROOT_MISMATCH'
  | 'LOG_SHRANK'
  | 'INCONSISTENT_LOG'
  /** A log-key rotation announced in the log that no checkpoint signed by the trusted key covers. */
  | 'KEY_HANDOVER'
  /** Fewer valid cosignatures by trusted witnesses than the quorum asked for. */
  | 'NO_QUORUM'
  | 'FETCH_FAILED';

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  constructor(code: VerifyErrorCode, message: string) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
  }
}

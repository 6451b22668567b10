/**
 * Typed policy failures (CONVENTIONS.md §5): a string-literal code to switch on.
 *
 * Load-time codes are fatal: the service must refuse to start rather than run with
 * a policy set it could not fully read and validate. A denied request is NOT an
 * error — it comes back from `authorize` as a value.
 */
export type PolicyErrorCode =
  /** The policy directory is unreadable, has no schema, or holds a badly named file. */
  | 'POLICY_DIR_INVALID'
  /** `schema.cedarschema` does not parse, or its actions differ from `ACTIONS`. */
  | 'SCHEMA_INVALID'
  /** A `.cedar` file does not parse, lacks or repeats an `@id`, or fails strict validation. */
  | 'POLICY_INVALID'
  /** `authorize` was called with an action name that is not in `ACTIONS` (a programming error). */
  | 'UNKNOWN_ACTION'
  /** A string passed where an area code was required is not one (see areas.ts). */
  | 'INVALID_AREA';

export class PolicyError extends Error {
  readonly code: PolicyErrorCode;
  /** Always false: none of these failures goes away by retrying the same call. */
  readonly retryable = false;
  constructor(code: PolicyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyError';
    this.code = code;
  }
}

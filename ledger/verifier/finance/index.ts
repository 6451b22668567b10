/**
 * Campaign-finance checks (issue #12), browser-safe beside the log, results and
 * voter verifiers: the log verifier and @noble only, never Node built-ins or
 * the writer (../boundary.test.ts). docs/finance.md explains what they check.
 */
export * from './commitment.ts';

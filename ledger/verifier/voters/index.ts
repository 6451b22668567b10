/**
 * A voter's check of their own record (issue #11), browser-safe beside the log
 * and results verifiers: the log verifier and @noble only, never Node built-ins
 * or the writer (../boundary.test.ts). docs/voters.md explains what it checks.
 */
export * from './commitment.ts';
export * from './counts.ts';
export * from './turnout.ts';
export * from './verify.ts';

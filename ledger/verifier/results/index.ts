/**
 * The observer's results verifier: one browser-safe package beside the log
 * verifier (issue #9). Like ../index.ts it imports only the log verifier,
 * @noble/hashes and @noble/curves — never Node built-ins, never the writer
 * (./boundary.test.ts in the parent folder holds every file here to that) — so
 * `saksi results verify` and the portal run the same code. docs/results-verifier.md
 * explains what it checks.
 */
export * from './checks.ts';
export * from './contests.ts';
export * from './count-form.ts';
export * from './device-signature.ts';
export * from './errors.ts';
export * from './nodes.ts';
export * from './proof-schema.ts';
export * from './recap.ts';
export * from './schema.ts';
export * from './verify.ts';

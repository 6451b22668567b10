/**
 * RFC 8785 canonical JSON lives in the verifier (./verifier/canonical.ts): the
 * observer's results check rebuilds device-signed messages with it in a browser,
 * and the writer must produce exactly the bytes the verifier expects.
 */
export * from './verifier/canonical.ts';

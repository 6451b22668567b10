/**
 * The plain Hono + pg write that Saksi's ledgered write is measured beside
 * (issue #14): the one public surface of this folder.
 */
export { baselineApp, CREATE_TABLE, type Query, TABLE } from './app.ts';
export { signToken, type TokenKeys, tokenKeys, verifyToken } from './jwt.ts';
export { type Baseline, baselineDatabase, startBaseline } from './process.ts';

/**
 * The verifier's public surface. Everything here runs unchanged in a browser: it
 * imports only @noble/hashes and @noble/curves, never Node built-ins and never the
 * writer (CONVENTIONS.md §2), so auditors can read it in one sitting and trust it.
 */
export * from './bundle.ts';
export * from './checkpoint.ts';
export * from './cosignature.ts';
export * from './encoding.ts';
export * from './errors.ts';
export * from './hash.ts';
export * from './key-handover.ts';
export * from './log.ts';
export {
  type EntryVisitor,
  rootFromTiles,
  type TileFetcher,
  type VerifyLogProgress,
} from './log-tiles.ts';
export * from './note.ts';
export * from './proof.ts';
export * from './tilepath.ts';

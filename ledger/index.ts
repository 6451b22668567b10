/**
 * The ledger's public surface (CONVENTIONS.md §1): other areas import only this.
 * The verifier has its own surface, ./verifier/index.ts, and imports nothing here.
 */
export * from './canonical.ts';
export * from './cosign.ts';
export * from './entry.ts';
export * from './hash.ts';
export * from './log-reader.ts';
export * from './merkle.ts';
export * from './note-sign.ts';
export * from './sequencer.ts';
export * from './signer.ts';
export * from './store/db.ts';
export * from './store/ledger-store.ts';
export * from './store/migrate.ts';
export * from './store/pending.ts';
export * from './subject-log/index.ts';
export * from './tiles.ts';

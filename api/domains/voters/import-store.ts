/**
 * One import batch's private rows in one statement (docs/voters.md "Import"):
 * `voters`, `voter_changes`, `voter_salts` and the file's progress, inside the
 * batch's transaction after its log entries (`appendVersions`).
 *
 * The bytes travel as two binary parameters cut by SQL `substring` — the fixed-
 * width values (NIK index, sealed DEK, commitment, entry hash) at a fixed stride,
 * the sealed fields and openings by offset and length — rather than as hex text
 * in JSON (`insertRows`), which doubled the bytes and made PostgreSQL parse
 * them: the trick ledger/subject-log/append.ts uses for its entries.
 *
 * One NIK, one registration: `ON CONFLICT ON CONSTRAINT voters_one_nik DO
 * NOTHING`, and the caller compares the rows stored with the rows sent; a NIK
 * registered already (by an earlier batch or a concurrent registration) is found
 * by the unique index itself, without a lookup per batch.
 */
import type { Sql } from '../../../ledger/index.ts';
import type { VoterFields } from './store.ts';

/** A sealed DEK: IV (12) ‖ 32-byte key ‖ tag (16). */
export const SEALED_DEK_BYTES = 60;
const NIK_MAC = 32;
const HASH = 32;
/** nik_mac ‖ sealed dek ‖ commitment ‖ entry hash, per record. */
const STRIDE = NIK_MAC + SEALED_DEK_BYTES + HASH + HASH;

export interface ImportRow extends VoterFields {
  commitment: Uint8Array;
  opening: Uint8Array;
  entryHash: Uint8Array;
  pendingId: number;
}

/** Stores the rows; returns how many `voters` rows were new (fewer: a NIK registered already). */
export async function storeImportBatch(
  tx: Sql,
  rows: readonly ImportRow[],
  progress: { source: string; linesDone: number },
): Promise<number> {
  const fixed = Buffer.allocUnsafe(rows.length * STRIDE);
  let variableBytes = 0;
  for (const r of rows) variableBytes += r.personal.length + r.opening.length;
  const variable = Buffer.allocUnsafe(variableBytes);
  const po: number[] = [];
  const pl: number[] = [];
  const oo: number[] = [];
  const ol: number[] = [];
  let at = 0;
  rows.forEach((r, i) => {
    if (r.nikMac.length !== NIK_MAC || r.dek.length !== SEALED_DEK_BYTES)
      throw new RangeError('import row: NIK index or sealed DEK of the wrong size');
    if (r.commitment.length !== HASH || r.entryHash.length !== HASH)
      throw new RangeError('import row: commitment or entry hash of the wrong size');
    let f = i * STRIDE;
    fixed.set(r.nikMac, f);
    f += NIK_MAC;
    fixed.set(r.dek, f);
    f += SEALED_DEK_BYTES;
    fixed.set(r.commitment, f);
    f += HASH;
    fixed.set(r.entryHash, f);
    // SQL substring is 1-based.
    po.push(at + 1);
    pl.push(r.personal.length);
    variable.set(r.personal, at);
    at += r.personal.length;
    oo.push(at + 1);
    ol.push(r.opening.length);
    variable.set(r.opening, at);
    at += r.opening.length;
  });
  const [row] = await tx.query<{ stored: number }>(
    `WITH r AS MATERIALIZED (
       SELECT u.*, (ord::int4 - 1) * ${STRIDE} AS f
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[],
                     $6::int4[], $7::int4[], $8::int4[], $9::int4[])
              WITH ORDINALITY AS u(subject, tps, list, kek_label, pending_id, po, pl, oo, ol, ord)
     ), v AS (
       INSERT INTO voters (subject, nik_mac, seq, tps, list, kek_label, dek, personal)
       SELECT subject, substring($10::bytea FROM f + 1 FOR ${NIK_MAC}), 1, tps, list, kek_label,
              substring($10::bytea FROM f + ${NIK_MAC + 1} FOR ${SEALED_DEK_BYTES}),
              substring($11::bytea FROM po FOR pl)
         FROM r
       ON CONFLICT ON CONSTRAINT voters_one_nik DO NOTHING
       RETURNING 1
     ), c AS (
       INSERT INTO voter_changes
              (subject, seq, tps, list, change, reason_code, commitment, entry_hash, pending_id)
       SELECT subject, 1, tps, list, 'registered', NULL,
              substring($10::bytea FROM f + ${NIK_MAC + SEALED_DEK_BYTES + 1} FOR ${HASH}),
              substring($10::bytea FROM f + ${NIK_MAC + SEALED_DEK_BYTES + HASH + 1} FOR ${HASH}),
              pending_id
         FROM r
     ), s AS (
       INSERT INTO voter_salts (subject, seq, sealed)
       SELECT subject, 1, substring($11::bytea FROM oo FOR ol) FROM r
     ), p AS (
       INSERT INTO voter_import_progress (source, lines_done) VALUES ($12, $13)
       ON CONFLICT (source) DO UPDATE SET lines_done = EXCLUDED.lines_done
     )
     SELECT count(*)::int AS stored FROM v`,
    [
      rows.map((r) => r.subject),
      rows.map((r) => r.tps),
      rows.map((r) => r.list),
      rows.map((r) => r.kekLabel),
      rows.map((r) => r.pendingId),
      po,
      pl,
      oo,
      ol,
      fixed,
      variable,
      progress.source,
      progress.linesDone,
    ],
  );
  return Number(row?.stored ?? 0);
}

/** The NIK indexes (hex) among these that are registered already. */
export async function registeredMacs(db: Sql, hexMacs: readonly string[]): Promise<Set<string>> {
  const found = await db.query<{ hex: string }>(
    `SELECT encode(nik_mac, 'hex') AS hex FROM voters
      WHERE nik_mac IN (SELECT decode(x, 'hex') FROM unnest($1::text[]) AS x)`,
    [hexMacs],
  );
  return new Set(found.map((f) => f.hex));
}

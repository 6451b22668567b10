/**
 * One import batch's private rows (docs/voters.md "How a batch is written"):
 * `voters`, `voter_changes`, `voter_salts` and the file's progress, inside the
 * batch's transaction after its log entries (`appendVersions`).
 *
 * The rows go by `COPY … FROM STDIN` in PostgreSQL's binary format (PGlite:
 * from its `/dev/blob`) straight into the real tables: no statement to plan,
 * no array parameters to parse, no text to convert — bytes land as bytes,
 * integers as four or eight bytes. Before, one `INSERT … SELECT` over `unnest`
 * of nine arrays and two `substring`-cut buffers cost PostgreSQL about 80 µs
 * per record.
 *
 * One NIK, one registration: the `voters_one_nik` unique index refuses a NIK
 * registered already (by an earlier batch or a concurrent registration), which
 * fails the `COPY` and so the whole transaction — nothing of the batch is
 * stored, its log entries included. The caller then looks the batch's NIKs up
 * (`registeredMacs`) to name the line. No lookup per batch on the happy path.
 */
import type { Sql } from '../../../ledger/index.ts';
import type { VoterFields } from './store.ts';

/** A sealed DEK: IV (12) ‖ 32-byte key ‖ tag (16). */
export const SEALED_DEK_BYTES = 60;
const NIK_MAC = 32;
const HASH = 32;

export interface ImportRow extends VoterFields {
  commitment: Uint8Array;
  opening: Uint8Array;
  entryHash: Uint8Array;
  pendingId: number;
}

/** A NIK of the batch is registered already: the COPY into `voters` was refused. */
export class RegisteredAlready extends Error {
  readonly code = 'DUPLICATE_NIK' as const;
}

/**
 * Writes tuples in PostgreSQL's binary COPY format (PostgreSQL docs, "COPY",
 * "Binary Format"): an 11-byte signature, a 32-bit flags field and a 32-bit
 * header-extension length (both 0); each tuple a 16-bit field count, each field
 * a 32-bit length (−1 for NULL) and its bytes in the type's binary send form
 * (text: UTF-8; bytea: the bytes; int4 / int8: big-endian); a 16-bit −1 ends it.
 */
class BinaryCopy {
  #buf: Buffer;
  #at = 0;

  constructor(bytes: number) {
    this.#buf = Buffer.allocUnsafe(19 + bytes + 2);
    this.#buf.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
    this.#buf.writeInt32BE(0, 11);
    this.#buf.writeInt32BE(0, 15);
    this.#at = 19;
  }

  tuple(fields: number): this {
    this.#buf.writeInt16BE(fields, this.#at);
    this.#at += 2;
    return this;
  }

  text(s: string): this {
    const n = this.#buf.write(s, this.#at + 4, 'utf8');
    // A short write means the estimate was wrong: refuse rather than truncate.
    if (n !== Buffer.byteLength(s, 'utf8')) throw new RangeError('COPY buffer too small');
    this.#buf.writeInt32BE(n, this.#at);
    this.#at += 4 + n;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#buf.writeInt32BE(b.length, this.#at);
    this.#buf.set(b, this.#at + 4);
    this.#at += 4 + b.length;
    return this;
  }

  int4(n: number): this {
    this.#buf.writeInt32BE(4, this.#at);
    this.#buf.writeInt32BE(n, this.#at + 4);
    this.#at += 8;
    return this;
  }

  int8(n: number): this {
    this.#buf.writeInt32BE(8, this.#at);
    this.#buf.writeBigInt64BE(BigInt(n), this.#at + 4);
    this.#at += 12;
    return this;
  }

  null(): this {
    this.#buf.writeInt32BE(-1, this.#at);
    this.#at += 4;
    return this;
  }

  end(): Buffer {
    this.#buf.writeInt16BE(-1, this.#at);
    this.#at += 2;
    return this.#buf.subarray(0, this.#at);
  }
}

/** Upper bound of a text field's COPY size: 4-byte length and at most 3 UTF-8 bytes per UTF-16 unit. */
const textBytes = (s: string) => 4 + 3 * s.length;

/**
 * Stores the rows. Throws RegisteredAlready if a NIK is registered already
 * (the transaction is then failed: the caller rolls it back).
 */
export async function storeImportBatch(
  tx: Sql,
  rows: readonly ImportRow[],
  progress: { source: string; linesDone: number },
): Promise<void> {
  if (!tx.copyBinary) throw new TypeError('the import needs a connection that can COPY');
  let voters = 0;
  let changes = 0;
  let salts = 0;
  for (const r of rows) {
    if (r.nikMac.length !== NIK_MAC || r.dek.length !== SEALED_DEK_BYTES)
      throw new RangeError('import row: NIK index or sealed DEK of the wrong size');
    if (r.commitment.length !== HASH || r.entryHash.length !== HASH)
      throw new RangeError('import row: commitment or entry hash of the wrong size');
    const common = textBytes(r.subject) + 8 + textBytes(r.tps) + textBytes(r.list);
    voters += 2 + common + textBytes(r.kekLabel) + 4 * 3 + NIK_MAC + r.dek.length;
    voters += r.personal.length;
    changes += 2 + common + textBytes('registered') + 4 + 8 + 2 * HASH + 12;
    salts += 2 + textBytes(r.subject) + 8 + 4 + r.opening.length;
  }
  const v = new BinaryCopy(voters);
  const c = new BinaryCopy(changes);
  const s = new BinaryCopy(salts);
  for (const r of rows) {
    v.tuple(8).text(r.subject).bytes(r.nikMac).int4(1).text(r.tps).text(r.list);
    v.text(r.kekLabel).bytes(r.dek).bytes(r.personal);
    c.tuple(9).text(r.subject).int4(1).text(r.tps).text(r.list).text('registered').null();
    c.bytes(r.commitment).bytes(r.entryHash).int8(r.pendingId);
    s.tuple(3).text(r.subject).int4(1).bytes(r.opening);
  }
  try {
    await tx.copyBinary(
      'voters (subject, nik_mac, seq, tps, list, kek_label, dek, personal)',
      v.end(),
    );
  } catch (e) {
    const pgError = e as { code?: string; constraint?: string };
    if (pgError.code === '23505' && pgError.constraint === 'voters_one_nik')
      throw new RegisteredAlready('a NIK of the batch is registered already');
    throw e;
  }
  await tx.copyBinary(
    `voter_changes (subject, seq, tps, list, change, reason_code, commitment, entry_hash, pending_id)`,
    c.end(),
  );
  await tx.copyBinary('voter_salts (subject, seq, sealed)', s.end());
  await tx.query(
    `INSERT INTO voter_import_progress (source, lines_done) VALUES ($1, $2)
     ON CONFLICT (source) DO UPDATE SET lines_done = EXCLUDED.lines_done`,
    [progress.source, progress.linesDone],
  );
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

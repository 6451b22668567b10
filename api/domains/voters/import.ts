/**
 * `saksi voters import`: a register from strict CSV (./csv.ts), in atomic
 * batches through the subject log (`appendVersions`), one log entry per record
 * (docs/voters.md "Import: one entry per record, and why"). Each batch is
 * validated whole before its transaction: a bad line stops the import with
 * `FILE:LINE: problem` and nothing of its batch is stored. Progress is saved in
 * each batch's transaction (`voter_import_progress`), so re-running the same
 * command resumes after the last committed batch. The file is streamed line by
 * line: memory is two batches (one being sealed, one being stored), whatever
 * the file's size.
 *
 * Pipelined (docs/voters.md "How a batch is written"): while batch N's
 * transaction runs in PostgreSQL, this process parses and seals batch N+1, so
 * the two processes work at once; the transactions themselves stay one after
 * the other, in file order, so the progress row and the NIK index see every
 * earlier batch. Random values come from one pool per import (batch-seal.ts),
 * the private rows go by binary COPY (import-store.ts).
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type AppendedVersion,
  appendVersions,
  type Db,
  systemActor,
  type VersionDraft,
} from '../../../ledger/index.ts';
import { areaLevel, isAreaCode } from '../../../policies/areas.ts';
import { ApiError } from '../../errors.ts';
import { validate } from '../../schemas.ts';
import type { Registry } from '../registry/index.ts';
import { RandomPool } from './batch-seal.ts';
import { sealPersonal, type VoterKeys } from './crypto.ts';
import { csvFields, VOTER_CSV_HEADER } from './csv.ts';
import {
  type ImportRow,
  RegisteredAlready,
  registeredMacs,
  storeImportBatch,
} from './import-store.ts';
import { VOTER_KINDS } from './kinds.ts';
import { newVoterSubject, personalText, sealVersion } from './record.ts';
import { recordViolations } from './rules.ts';
import {
  PERSONAL_SCHEMA,
  type VoterList,
  type VoterPersonal,
  type VoterPublicPayload,
} from './schemas.ts';

/** Lists a register file may load (a DPTb record needs its form A: a transfer, not an import). */
export const IMPORT_LISTS: readonly VoterList[] = ['DPS', 'DPSHP', 'DPT', 'DPK'];
export const IMPORT_ACTOR = systemActor('voter-import');
/** Records sealed between two yields to the event loop (so the other batch's transaction moves on). */
const SEAL_SLICE = 250;
const IV = 12;

export interface ImportOptions {
  db: Db;
  keys: VoterKeys;
  registry: Registry;
  file: string;
  batchSize?: number;
  /** Forget the saved progress of this file and start at its first line. */
  restart?: boolean;
  /** After each committed batch. */
  onBatch?: (done: { lines: number; records: number; lastPendingId: number }) => void;
}

export type ImportResult =
  | { ok: true; records: number; skippedLines: number; lastPendingId: number | null }
  | { ok: false; error: string; records: number };

interface Parsed {
  line: number;
  voter: VoterPersonal;
  tps: string;
  list: VoterList;
}

/** A batch sealed and ready for its transaction. */
interface Sealed {
  lines: number[];
  /** The NIK indexes, hex, in batch order (to name a duplicate's line). */
  macs: string[];
  drafts: VersionDraft[];
  rows: Omit<ImportRow, 'entryHash' | 'pendingId'>[];
  /** The last line of the batch: the progress saved with it. */
  done: number;
}

export async function importVoters(o: ImportOptions): Promise<ImportResult> {
  const source = resolve(o.file);
  const batchSize = o.batchSize ?? 2000;
  if (o.restart) await o.db.query('DELETE FROM voter_import_progress WHERE source = $1', [source]);
  const [saved] = await o.db.query<{ lines_done: string | number }>(
    'SELECT lines_done FROM voter_import_progress WHERE source = $1',
    [source],
  );
  const skip = Number(saved?.lines_done ?? 0);
  const isKecamatan = (c: string) =>
    isAreaCode(c) && areaLevel(c) === 'kecamatan' && o.registry.area(c) !== undefined;
  const where = (line: number) => `${o.file}:${line}`;
  const random = new RandomPool();

  let records = 0;
  let lastPendingId: number | null = null;
  let batch: Parsed[] = [];
  let lineNo = 0;

  /** Seals one record under its own DEK: personal fields, first version. */
  const seal = (
    p: Parsed,
    subject: string,
    dek: { dek: Buffer; sealed: Buffer },
    kekLabel: string,
    nikMac: Buffer,
  ) => {
    const personal = sealPersonal(dek.dek, subject, personalText(p.voter), random.take(IV));
    const v = sealVersion(
      dek.dek,
      p.voter,
      { subject, seq: 1, tps: p.tps, list: p.list, formA: null },
      random,
    );
    const payload: VoterPublicPayload = {
      tps: p.tps,
      list: p.list,
      change: 'registered',
      reason: null,
      commitment: Buffer.from(v.commitment).toString('base64'),
    };
    const draft: VersionDraft = {
      kind: VOTER_KINDS.registered,
      subject,
      seq: 1,
      actor: IMPORT_ACTOR,
      payload,
    };
    const row = {
      subject,
      nikMac,
      tps: p.tps,
      list: p.list,
      kekLabel,
      dek: dek.sealed,
      personal,
      commitment: v.commitment,
      opening: v.opening,
    };
    return { draft, row };
  };

  /** One NIK once in the batch, then every record sealed; or the line that repeats a NIK. */
  const prepare = async (parsed: Parsed[], done: number): Promise<Sealed | string> => {
    const macs = await o.keys.macs(parsed.map((p) => p.voter.nik));
    const seen = new Map<string, number>();
    const hex: string[] = [];
    for (const [i, m] of macs.entries()) {
      const h = m.toString('hex');
      const first = seen.get(h);
      if (first !== undefined)
        return `${where(parsed[i]!.line)}: DUPLICATE_NIK: the NIK of line ${first} again`;
      seen.set(h, parsed[i]!.line);
      hex.push(h);
    }
    const subjects = parsed.map(() => newVoterSubject(random));
    // Every DEK of the batch from one random draw, the KEK fetched once.
    const keys = await o.keys.newDeks(subjects);
    const out: Sealed = { lines: [], macs: hex, drafts: [], rows: [], done };
    try {
      for (let i = 0; i < parsed.length; i++) {
        if (i > 0 && i % SEAL_SLICE === 0) await new Promise<void>((r) => setImmediate(r));
        const s = seal(parsed[i]!, subjects[i]!, keys.deks[i]!, keys.kekLabel, macs[i]!);
        out.lines.push(parsed[i]!.line);
        out.drafts.push(s.draft);
        out.rows.push(s.row);
      }
    } finally {
      keys.wipe();
    }
    return out;
  };

  /** The batch's transaction; null once committed, or the line of a NIK registered already. */
  const commit = async (b: Sealed): Promise<string | null> => {
    let appended: AppendedVersion[];
    try {
      appended = await o.db.transaction(async (tx) => {
        const a = await appendVersions(tx, b.drafts);
        await storeImportBatch(
          tx,
          b.rows.map((r, i) => ({ ...r, entryHash: a[i]!.leafHash, pendingId: a[i]!.pendingId })),
          { source, linesDone: b.done },
        );
        return a;
      });
    } catch (e) {
      if (!(e instanceof RegisteredAlready)) throw e;
      const registered = await registeredMacs(o.db, b.macs);
      const i = b.macs.findIndex((m) => registered.has(m));
      return i >= 0
        ? `${where(b.lines[i]!)}: DUPLICATE_NIK: this NIK is registered already`
        : // Refused by a registration that has since been erased: the line is unknown.
          `${where(b.lines[0]!)}: DUPLICATE_NIK: a NIK of lines ${b.lines[0]}–${b.done} was registered meanwhile; run again`;
    }
    records += b.rows.length;
    lastPendingId = appended[appended.length - 1]!.pendingId;
    o.onBatch?.({ lines: b.done, records, lastPendingId });
    return null;
  };

  // The previous batch's transaction, running while the next batch is sealed.
  let inflight: Promise<string | null> | null = null;
  const settle = async (): Promise<string | null> => {
    const running = inflight;
    inflight = null;
    return running ? await running : null;
  };
  /** Stops the import: the batch in flight settles first (its own error is the earlier line). */
  const stop = async (problem: string): Promise<ImportResult> => ({
    ok: false,
    error: (await settle()) ?? problem,
    records,
  });
  const flush = async (): Promise<string | null> => {
    if (batch.length === 0) return null;
    const prepared = await prepare(batch, lineNo);
    batch = [];
    const earlier = await settle();
    if (earlier) return earlier;
    if (typeof prepared === 'string') return prepared;
    inflight = commit(prepared);
    // Awaited by the next settle(); a failure meanwhile is not an unhandled rejection.
    inflight.catch(() => undefined);
    return null;
  };

  const lines = createInterface({
    input: createReadStream(o.file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (lineNo === 1) {
        if (line !== VOTER_CSV_HEADER.join(','))
          return stop(`${where(1)}: the header must be ${VOTER_CSV_HEADER.join(',')}`);
        continue;
      }
      if (lineNo <= skip) continue;
      if (line === '') return stop(`${where(lineNo)}: empty line`);
      const p = parseLine(line, lineNo, isKecamatan, o.registry);
      if (typeof p === 'string') return stop(`${where(lineNo)}: ${p}`);
      batch.push(p);
      if (batch.length >= batchSize) {
        const refused = await flush();
        if (refused) return stop(refused);
      }
    }
    if (lineNo === 0) return stop(`${where(1)}: the file is empty`);
    const refused = (await flush()) ?? (await settle());
    if (refused) return { ok: false, records, error: refused };
    return { ok: true, records, skippedLines: Math.max(0, skip - 1), lastPendingId };
  } finally {
    lines.close();
    // An exception above: let the transaction in flight finish before the caller closes the pool.
    await (inflight as Promise<string | null> | null)?.catch(() => undefined);
  }
}

function parseLine(
  line: string,
  lineNo: number,
  isKecamatan: (c: string) => boolean,
  registry: Registry,
): Parsed | string {
  const f = csvFields(line);
  if (!Array.isArray(f)) return f.problem;
  if (f.length !== VOTER_CSV_HEADER.length)
    return `${f.length} fields; a line has ${VOTER_CSV_HEADER.length}`;
  const [nik, kk, name, birthPlace, birthDate, sex, marital, address, disability, ektp, tps, list] =
    f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
  if (ektp !== 'true' && ektp !== 'false') return 'ektp must be true or false';
  const candidate = {
    nik,
    kk,
    name,
    birthPlace,
    birthDate,
    sex,
    marital,
    address,
    disability,
    ektp: ektp === 'true',
  };
  let voter: VoterPersonal;
  try {
    voter = validate<VoterPersonal>(PERSONAL_SCHEMA, candidate, 'the record');
  } catch (e) {
    // The validator names fields and rules, never the values (no personal data in the message).
    return e instanceof ApiError ? e.message : 'the record is invalid';
  }
  const violations = recordViolations(voter, isKecamatan);
  if (!registry.hasTps(tps))
    violations.push({ rule: 'known-tps', message: 'tps is not a TPS of the registry' });
  if (!(IMPORT_LISTS as readonly string[]).includes(list))
    violations.push({ rule: 'list', message: `list must be one of ${IMPORT_LISTS.join(', ')}` });
  if (violations.length > 0) return violations.map((v) => `${v.rule}: ${v.message}`).join('; ');
  return { line: lineNo, voter, tps, list: list as VoterList };
}

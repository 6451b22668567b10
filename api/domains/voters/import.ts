/**
 * `saksi voters import`: a register from strict CSV (./csv.ts), in atomic
 * batches through the subject log (`appendVersions`), one log entry per record
 * (docs/voters.md "Import: one entry per record, and why"). Each batch is
 * validated whole before its transaction: a bad line stops the import with
 * `FILE:LINE: problem` and nothing of its batch is stored. Progress is saved in
 * each batch's transaction (`voter_import_progress`), so re-running the same
 * command resumes after the last committed batch. The file is streamed line by
 * line: memory is one batch, whatever the file's size.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  appendVersions,
  canonicalize,
  type Db,
  systemActor,
  type VersionDraft,
} from '../../../ledger/index.ts';
import { areaLevel, isAreaCode } from '../../../policies/areas.ts';
import { ApiError } from '../../errors.ts';
import { validate } from '../../schemas.ts';
import { insertRows } from '../../write/write-batch.ts';
import type { Registry } from '../registry/index.ts';
import { sealPersonal, type VoterKeys } from './crypto.ts';
import { csvFields, VOTER_CSV_HEADER } from './csv.ts';
import { VOTER_KINDS } from './kinds.ts';
import { newVoterSubject, sealVersion } from './record.ts';
import { recordViolations } from './rules.ts';
import {
  PERSONAL_SCHEMA,
  type VoterList,
  type VoterPersonal,
  type VoterPublicPayload,
} from './schemas.ts';
import { changeRow, openingRow, voterRow } from './store.ts';

/** Lists a register file may load (a DPTb record needs its form A: a transfer, not an import). */
export const IMPORT_LISTS: readonly VoterList[] = ['DPS', 'DPSHP', 'DPT', 'DPK'];
export const IMPORT_ACTOR = systemActor('voter-import');

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

  let records = 0;
  let lastPendingId: number | null = null;
  let batch: Parsed[] = [];
  let lineNo = 0;
  const flush = async (): Promise<string | null> => {
    if (batch.length === 0) return null;
    const problem = await checkBatch(o, batch, where);
    if (problem) return problem;
    const done = lineNo;
    const built = await Promise.all(batch.map((p) => build(o.keys, p)));
    const appended = await o.db.transaction(async (tx) => {
      const a = await appendVersions(
        tx,
        built.map((b) => b.draft),
      );
      await insertRows(
        tx,
        'voters',
        built.map((b) => b.voter),
      );
      await insertRows(
        tx,
        'voter_changes',
        built.map(
          (b, i) =>
            changeRow(b.subject, 1, b.payload, b.commitment, {
              entryHash: a[i]!.leafHash,
              pendingId: a[i]!.pendingId,
            }).values,
        ),
      );
      await insertRows(
        tx,
        'voter_salts',
        built.map((b) => b.opening),
      );
      await tx.query(
        `INSERT INTO voter_import_progress (source, lines_done) VALUES ($1, $2)
         ON CONFLICT (source) DO UPDATE SET lines_done = EXCLUDED.lines_done`,
        [source, done],
      );
      return a;
    });
    records += batch.length;
    lastPendingId = appended[appended.length - 1]!.pendingId;
    o.onBatch?.({ lines: done, records, lastPendingId });
    batch = [];
    return null;
  };

  const lines = createInterface({
    input: createReadStream(o.file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (lineNo === 1) {
      if (line !== VOTER_CSV_HEADER.join(','))
        return {
          ok: false,
          records,
          error: `${where(1)}: the header must be ${VOTER_CSV_HEADER.join(',')}`,
        };
      continue;
    }
    if (lineNo <= skip) continue;
    if (line === '') return { ok: false, records, error: `${where(lineNo)}: empty line` };
    const p = parseLine(line, lineNo, isKecamatan, o.registry);
    if (typeof p === 'string') return { ok: false, records, error: `${where(lineNo)}: ${p}` };
    batch.push(p);
    if (batch.length >= batchSize) {
      const refused = await flush();
      if (refused) return { ok: false, records, error: refused };
    }
  }
  if (lineNo === 0) return { ok: false, records, error: `${where(1)}: the file is empty` };
  const refused = await flush();
  if (refused) return { ok: false, records, error: refused };
  return { ok: true, records, skippedLines: Math.max(0, skip - 1), lastPendingId };
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

/** One NIK, one registration: within the batch, and against the register. */
async function checkBatch(
  o: ImportOptions,
  batch: Parsed[],
  where: (l: number) => string,
): Promise<string | null> {
  const macs = await Promise.all(batch.map((p) => o.keys.nikMac(p.voter.nik)));
  const seen = new Map<string, number>();
  for (const [i, m] of macs.entries()) {
    const hex = m.toString('hex');
    const first = seen.get(hex);
    if (first !== undefined)
      return `${where(batch[i]!.line)}: DUPLICATE_NIK: the NIK of line ${first} again`;
    seen.set(hex, batch[i]!.line);
  }
  const found = await o.db.query<{ hex: string }>(
    `SELECT encode(nik_mac, 'hex') AS hex FROM voters
      WHERE nik_mac IN (SELECT decode(x, 'hex') FROM unnest($1::text[]) AS x)`,
    [[...seen.keys()]],
  );
  if (found.length > 0)
    return `${where(seen.get(found[0]!.hex)!)}: DUPLICATE_NIK: this NIK is registered already`;
  for (const [i, m] of macs.entries()) (batch[i] as Parsed & { mac?: Buffer }).mac = m;
  return null;
}

async function build(keys: VoterKeys, p: Parsed) {
  const subject = newVoterSubject();
  const { dek, sealed, kekLabel } = await keys.newDek(subject);
  const personal = sealPersonal(dek, subject, canonicalize(p.voter));
  const v = sealVersion(dek, p.voter, { subject, seq: 1, tps: p.tps, list: p.list, formA: null });
  dek.fill(0);
  const payload: VoterPublicPayload = {
    tps: p.tps,
    list: p.list,
    change: 'registered',
    reason: null,
    commitment: Buffer.from(v.commitment).toString('base64'),
  };
  const nikMac = (p as Parsed & { mac?: Buffer }).mac!;
  const draft: VersionDraft = {
    kind: VOTER_KINDS.registered,
    subject,
    seq: 1,
    actor: IMPORT_ACTOR,
    payload,
  };
  return {
    subject,
    payload,
    commitment: v.commitment,
    draft,
    voter: voterRow({ subject, nikMac, tps: p.tps, list: p.list, kekLabel, dek: sealed, personal })
      .values,
    opening: openingRow(subject, 1, v.opening).values,
  };
}

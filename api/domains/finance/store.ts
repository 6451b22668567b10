/**
 * The finance tables (infra/db/migrations/015_finance.sql): rows built for the
 * ledgered write's transaction, and the reads the routes and the public pages
 * need. No column read or written here holds a donor's identity in clear.
 */
import {
  base64,
  type Db,
  type JsonValue,
  type LogReader,
  type Sql,
} from '../../../ledger/index.ts';
import type { DomainRow } from '../../write/write-batch.ts';
import { DEFAULT_RULES } from './rules.ts';
import type { FinanceRules, ParticipantKind, ReportKind, ReportPayload } from './schemas.ts';

export interface Logged {
  entryHash: Uint8Array;
  pendingId: number;
}
const logged = (e: Logged) => ({ entry_hash: e.entryHash, pending_id: e.pendingId });
const row = (table: string, values: Record<string, JsonValue | Uint8Array>): DomainRow => ({
  table,
  values,
});

export async function currentRules(db: Sql): Promise<{ seq: number; rules: FinanceRules }> {
  const [r] = await db.query<{ seq: number; payload: string }>(
    'SELECT seq, payload FROM finance_rules ORDER BY seq DESC LIMIT 1',
  );
  return r ? { seq: r.seq, rules: JSON.parse(r.payload) } : { seq: 0, rules: DEFAULT_RULES };
}
export const rulesRow = (seq: number, payload: FinanceRules, e: Logged) =>
  row('finance_rules', { seq, payload: JSON.stringify(payload), ...logged(e) });

export interface ParticipantRow {
  id: string;
  seq: number;
  name: string;
  kind: ParticipantKind;
  contest: string;
  area: string;
  filer: string;
  bank: string;
  account_number: string;
  account_holder: string;
  entry_hash: Uint8Array;
  pending_id: number | string;
}
const PARTICIPANT_COLUMNS =
  'id, seq, name, kind, contest, area, filer, bank, account_number, account_holder, entry_hash, pending_id';

export async function participant(db: Sql, id: string): Promise<ParticipantRow | null> {
  const [r] = await db.query<ParticipantRow>(
    `SELECT ${PARTICIPANT_COLUMNS} FROM finance_participants WHERE id = $1`,
    [id],
  );
  return r ?? null;
}
export async function participants(db: Sql): Promise<ParticipantRow[]> {
  return db.query<ParticipantRow>(
    `SELECT ${PARTICIPANT_COLUMNS} FROM finance_participants ORDER BY id`,
  );
}
export const participantRow = (p: Omit<ParticipantRow, 'entry_hash' | 'pending_id'>, e: Logged) =>
  row('finance_participants', { ...p, ...logged(e) });
export async function advanceParticipant(
  tx: Sql,
  p: Omit<ParticipantRow, 'entry_hash' | 'pending_id'>,
  e: Logged,
) {
  await tx.query(
    `UPDATE finance_participants SET seq = $2, name = $3, filer = $4, bank = $5,
        account_number = $6, account_holder = $7, entry_hash = $8, pending_id = $9
      WHERE id = $1 AND seq = $2 - 1`,
    [
      p.id,
      p.seq,
      p.name,
      p.filer,
      p.bank,
      p.account_number,
      p.account_holder,
      e.entryHash,
      e.pendingId,
    ],
  );
}

/** A donor's earlier contributions to one participant: how many and their sum. */
export async function donorRunning(
  db: Sql,
  participantId: string,
  donorMac: Uint8Array,
): Promise<{ count: number; total: bigint }> {
  const [r] = await db.query<{ n: number | string; total: string }>(
    `SELECT count(*) AS n, coalesce(sum(amount), 0)::text AS total
       FROM finance_contributions WHERE participant = $1 AND donor_mac = $2`,
    [participantId, donorMac],
  );
  return { count: Number(r?.n ?? 0), total: BigInt(r?.total ?? '0') };
}

export interface ContributionRow {
  subject: string;
  participant: string;
  category: string;
  amount: string;
  day: string;
  excess: string;
  kek_label: string;
  dek: Uint8Array;
  sealed: Uint8Array;
  commitment: Uint8Array;
  entry_hash: Uint8Array;
  pending_id: number | string;
}
export async function contribution(db: Sql, subject: string): Promise<ContributionRow | null> {
  const [r] = await db.query<ContributionRow>(
    `SELECT subject, participant, category, amount::text AS amount, to_char(day, 'YYYY-MM-DD') AS day,
            excess::text AS excess, kek_label, dek, sealed, commitment, entry_hash, pending_id
       FROM finance_contributions WHERE subject = $1`,
    [subject],
  );
  return r ?? null;
}
export const contributionRow = (
  c: {
    subject: string;
    participant: string;
    category: string;
    amount: bigint;
    day: string;
    excess: bigint;
    donorMac: Uint8Array;
    donorSeq: number;
    kekLabel: string;
    dek: Uint8Array;
    sealed: Uint8Array;
    commitment: Uint8Array;
  },
  e: Logged,
) =>
  row('finance_contributions', {
    subject: c.subject,
    participant: c.participant,
    category: c.category,
    amount: String(c.amount),
    day: c.day,
    excess: String(c.excess),
    donor_mac: c.donorMac,
    donor_seq: c.donorSeq,
    kek_label: c.kekLabel,
    dek: c.dek,
    sealed: c.sealed,
    commitment: c.commitment,
    ...logged(e),
  });

export const surrenderRow = (
  s: { contribution: string; participant: string; amount: bigint; day: string; reference: string },
  e: Logged,
) => row('finance_surrenders', { ...s, amount: String(s.amount), ...logged(e) });

export const expenditureRow = (
  x: {
    subject: string;
    participant: string;
    category: string;
    amount: bigint;
    day: string;
    description: string;
  },
  e: Logged,
) => row('finance_expenditures', { ...x, amount: String(x.amount), ...logged(e) });

/** The sums a report's declared totals are checked against. */
export async function ledgerTotals(
  db: Sql,
  participantId: string,
): Promise<{ contributions: bigint; expenditures: bigint }> {
  const [r] = await db.query<{ c: string; x: string }>(
    `SELECT (SELECT coalesce(sum(amount), 0) FROM finance_contributions WHERE participant = $1)::text AS c,
            (SELECT coalesce(sum(amount), 0) FROM finance_expenditures WHERE participant = $1)::text AS x`,
    [participantId],
  );
  return { contributions: BigInt(r?.c ?? '0'), expenditures: BigInt(r?.x ?? '0') };
}

/** The document (content-addressed, kept once) and the report version, in the write's transaction. */
export async function insertReport(
  tx: Sql,
  r: {
    participant: string;
    kind: ReportKind;
    seq: number;
    sha256: Buffer;
    mediaType: string;
    bytes: Buffer;
    payload: ReportPayload;
  },
  e: Logged,
): Promise<void> {
  await tx.query(
    `INSERT INTO finance_documents (sha256, media_type, bytes) VALUES ($1, $2, $3)
     ON CONFLICT (sha256) DO NOTHING`,
    [r.sha256, r.mediaType, r.bytes],
  );
  await tx.query(
    `INSERT INTO finance_reports (participant, kind, seq, document_sha256, payload, late, entry_hash, pending_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      r.participant,
      r.kind,
      r.seq,
      r.sha256,
      JSON.stringify(r.payload),
      r.payload.late,
      e.entryHash,
      e.pendingId,
    ],
  );
}

export async function document(
  db: Sql,
  sha256: Buffer,
): Promise<{ media_type: string; bytes: Uint8Array } | null> {
  const [r] = await db.query<{ media_type: string; bytes: Uint8Array }>(
    'SELECT media_type, bytes FROM finance_documents WHERE sha256 = $1',
    [sha256],
  );
  return r ?? null;
}

export async function currentAuditor(
  db: Sql,
  participantId: string,
): Promise<{ seq: number; auditor: string } | null> {
  const [r] = await db.query<{ seq: number; auditor: string }>(
    'SELECT seq, auditor FROM finance_auditors WHERE participant = $1 ORDER BY seq DESC LIMIT 1',
    [participantId],
  );
  return r ?? null;
}
export const auditorRow = (participantId: string, seq: number, auditor: string, e: Logged) =>
  row('finance_auditors', { participant: participantId, seq, auditor, ...logged(e) });
export const openingRow = (
  subject: string,
  contributionSubject: string,
  auditor: string,
  e: Logged,
) => row('finance_openings', { subject, contribution: contributionSubject, auditor, ...logged(e) });

export interface EntryRef {
  index: number | null;
  leafHash: string;
}

/** The log position of pending rows, once integrated (null index while pending). */
export async function entries(
  log: LogReader,
  rows: { pending_id: number | string; entry_hash: Uint8Array }[],
) {
  const leaves = await log.leavesOf(rows.map((r) => Number(r.pending_id)));
  return (r: { pending_id: number | string; entry_hash: Uint8Array }): EntryRef => ({
    index: leaves.get(Number(r.pending_id))?.index ?? null,
    leafHash: base64(r.entry_hash),
  });
}

export interface ReportRow {
  participant: string;
  kind: ReportKind;
  seq: number;
  payload: string;
  entry_hash: Uint8Array;
  pending_id: number | string;
}
export async function reportRows(db: Db, participantId?: string): Promise<ReportRow[]> {
  return db.query<ReportRow>(
    `SELECT participant, kind, seq, payload, entry_hash, pending_id FROM finance_reports
      ${participantId ? 'WHERE participant = $1' : ''} ORDER BY participant, kind, seq`,
    participantId ? [participantId] : [],
  );
}

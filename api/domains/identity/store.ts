/**
 * Officer rows, and the log entries that record every change to them: a row and
 * its entry are written in one transaction (ARCHITECTURE.md "The write path"), so
 * no officer exists, or is suspended, without the log saying so. Entries carry
 * the officer's id, role and area, never the username or the password hash.
 * Each version of `officer:<id>` is appended through the subject log
 * (ledger/subject-log), like every other subject, which checks its `seq` and
 * fills in its `prev`.
 */
import {
  appendVersions,
  base64,
  canonicalAt,
  type Db,
  type EntryActor,
  type JsonObject,
  latestVersions,
  type Sql,
} from '../../../ledger/index.ts';
import type { Role } from '../../auth/principal.ts';
import type { Officer } from './rules.ts';

/** What a ledgered write answers (ARCHITECTURE.md: 201 with a receipt). */
export interface Receipt {
  kind: string;
  /** Standard base64 of the entry's RFC 9162 leaf hash. */
  entryHash: string;
  pendingId: number;
  subject: string;
  seq: number;
}

export interface NewOfficer {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  area: string;
}

export type InsertResult =
  | { ok: true; officer: Officer; receipt: Receipt }
  | { ok: false; code: 'ID_TAKEN' | 'USERNAME_TAKEN' };

export type SuspendResult =
  | { ok: true; officer: Officer; receipt: Receipt }
  | { ok: false; code: 'NOT_FOUND' | 'UNCHANGED' };

interface OfficerRow {
  id: string;
  username: string;
  role: Role;
  area: string;
  suspended: boolean;
  created_at: Date | string;
}

const COLUMNS = 'id, username, role, area, suspended, created_at';

/** RFC 3339 UTC to the second: the log's canonical form (ledger/subject-log/at.ts). */
export const rfc3339 = (d: Date) => canonicalAt(d);

function toOfficer(r: OfficerRow): Officer {
  return {
    id: r.id,
    username: r.username,
    role: r.role,
    area: r.area,
    suspended: r.suspended,
    createdAt: rfc3339(new Date(r.created_at)),
  };
}

export async function findOfficer(sql: Sql, id: string): Promise<Officer | null> {
  const rows = await sql.query<OfficerRow>(`SELECT ${COLUMNS} FROM officers WHERE id = $1`, [id]);
  return rows[0] ? toOfficer(rows[0]) : null;
}

/** The officer with this username and their password hash, for login only. */
export async function findCredentials(
  sql: Sql,
  username: string,
): Promise<{ officer: Officer; passwordHash: string } | null> {
  const rows = await sql.query<OfficerRow & { password_hash: string }>(
    `SELECT ${COLUMNS}, password_hash FROM officers WHERE username = $1`,
    [username],
  );
  const r = rows[0];
  return r ? { officer: toOfficer(r), passwordHash: r.password_hash } : null;
}

interface OfficerEntry {
  kind: string;
  id: string;
  seq: number;
  at: Date;
  actor: EntryActor;
  payload: JsonObject;
  reason?: string;
}

/** Appends the version of `officer:<id>` in `tx`, through the subject log. */
async function queue(tx: Sql, e: OfficerEntry): Promise<Receipt> {
  const [v] = await appendVersions(tx, [
    {
      kind: e.kind,
      subject: `officer:${e.id}`,
      seq: e.seq,
      at: canonicalAt(e.at),
      actor: e.actor,
      payload: e.payload,
      reason: e.reason,
    },
  ]);
  return {
    kind: v!.kind,
    subject: v!.subject,
    seq: v!.seq,
    entryHash: base64(v!.leafHash),
    pendingId: v!.pendingId,
  };
}

/** Inserts an officer and its `identity.officer.created` entry, or says which key is taken. */
export async function insertOfficer(
  db: Db,
  o: NewOfficer,
  actor: EntryActor,
  at: Date,
): Promise<InsertResult> {
  const entry: OfficerEntry = {
    kind: 'identity.officer.created',
    id: o.id,
    seq: 1,
    at,
    actor,
    payload: { id: o.id, role: o.role, area: o.area },
  };
  return db.transaction(async (tx): Promise<InsertResult> => {
    const rows = await tx.query<OfficerRow>(
      `INSERT INTO officers (id, username, password_hash, role, area, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [o.id, o.username, o.passwordHash, o.role, o.area, at.toISOString()],
    );
    if (!rows[0]) {
      const taken = await tx.query('SELECT 1 FROM officers WHERE id = $1', [o.id]);
      return { ok: false, code: taken.length > 0 ? 'ID_TAKEN' : 'USERNAME_TAKEN' };
    }
    return { ok: true, officer: toOfficer(rows[0]), receipt: await queue(tx, entry) };
  });
}

/**
 * Suspends or reinstates an officer: a new version of `officer:<id>` with the
 * reason, chained to the previous one by `prev`.
 */
export async function setSuspended(
  db: Db,
  id: string,
  suspended: boolean,
  reason: string,
  actor: EntryActor,
  at: Date,
): Promise<SuspendResult> {
  return db.transaction(async (tx): Promise<SuspendResult> => {
    const [row] = await tx.query<OfficerRow>(
      `SELECT ${COLUMNS} FROM officers WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!row) return { ok: false, code: 'NOT_FOUND' };
    if (row.suspended === suspended) return { ok: false, code: 'UNCHANGED' };
    // The row lock above serialises writers of this officer's versions.
    const latest = (await latestVersions(tx, [`officer:${id}`])).get(`officer:${id}`);
    // Every officer row was inserted with its version 1 (insertOfficer).
    if (!latest) throw new Error(`officer ${id} has no version in the log`);
    const entry: OfficerEntry = {
      kind: suspended ? 'identity.officer.suspended' : 'identity.officer.reinstated',
      id,
      seq: latest.seq + 1,
      at,
      actor,
      payload: { id, role: row.role, area: row.area, suspended },
      reason,
    };
    await tx.query('UPDATE officers SET suspended = $2 WHERE id = $1', [id, suspended]);
    return { ok: true, officer: toOfficer({ ...row, suspended }), receipt: await queue(tx, entry) };
  });
}

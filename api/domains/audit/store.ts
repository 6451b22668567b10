/**
 * The audit tables (infra/db/migrations/016_audit.sql). Writes run inside the
 * ledgered write's transaction (routes), after `lockAudit`, so that the open
 * findings a report or a gate decision reads are still the open findings when
 * its entries commit.
 */
import type { Db, Sql } from '../../../ledger/index.ts';
import type { ControlEntry, Evidence, OpenFinding } from './rules.ts';
import type { ReportKind, Severity } from './schemas.ts';

/**
 * Serialises the audit domain's writes (reports, follow-ups, gate decisions) for
 * the rest of the transaction: they are rare, and each depends on which findings
 * are open. The key is an arbitrary constant of this domain.
 */
export async function lockAudit(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(1634,  1316)');
}

export async function reportExists(sql: Sql, id: string): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM audit_reports WHERE id = $1', [id])).length > 0;
}

export async function insertReport(
  tx: Sql,
  r: {
    id: string;
    kind: ReportKind;
    generatedAt: string;
    stage: string | null;
    controls: readonly ControlEntry[];
    filedBy: string;
    pendingId: number;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_reports (id, kind, generated_at, stage, controls, failed, filed_by, pending_id)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
    [
      r.id,
      r.kind,
      r.generatedAt,
      r.stage,
      JSON.stringify(r.controls),
      r.controls.filter((c) => c.status === 'fail').length,
      r.filedBy,
      r.pendingId,
    ],
  );
}

export async function openFindings(sql: Sql): Promise<OpenFinding[]> {
  return sql.query<OpenFinding>(
    'SELECT id, control FROM audit_findings WHERE closed_by IS NULL ORDER BY n',
  );
}

export async function insertFinding(
  tx: Sql,
  f: { id: string; control: ControlEntry; openedBy: string; pendingId: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_findings (id, control, severity, summary, redacted, opened_by, opened_pending)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      f.id,
      f.control.id,
      f.control.severity,
      f.control.summary,
      f.control.redacted,
      f.openedBy,
      f.pendingId,
    ],
  );
}

export async function closeFinding(
  tx: Sql,
  id: string,
  closedBy: string,
  pendingId: number,
): Promise<void> {
  const done = await tx.query(
    `UPDATE audit_findings SET closed_by = $2, closed_pending = $3
      WHERE id = $1 AND closed_by IS NULL RETURNING id`,
    [id, closedBy, pendingId],
  );
  if (done.length !== 1) throw new Error(`finding ${id} was not open`);
}

export type FindingState = 'open' | 'closed' | 'unknown';

export async function findingState(sql: Sql, id: string): Promise<FindingState> {
  const [row] = await sql.query<{ closed: boolean }>(
    'SELECT closed_by IS NOT NULL AS closed FROM audit_findings WHERE id = $1',
    [id],
  );
  return row === undefined ? 'unknown' : row.closed ? 'closed' : 'open';
}

export async function insertFollowup(
  tx: Sql,
  f: {
    id: string;
    finding: string;
    action: string;
    evidenceSha256: string | null;
    actorId: string;
    actorRole: string;
    pendingId: number;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_followups (id, finding, action, evidence_sha256, actor_id, actor_role, pending_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [f.id, f.finding, f.action, f.evidenceSha256, f.actorId, f.actorRole, f.pendingId],
  );
}

/**
 * The latest report of `kind` that is evidence for `stage`: one filed for it, or
 * for no stage in particular. Latest by when it was generated, then by filing.
 */
export async function latestEvidence(
  sql: Sql,
  kind: ReportKind,
  stage: string,
): Promise<Evidence | null> {
  const [row] = await sql.query<{ id: string; generated_at: string | Date; controls: unknown }>(
    `SELECT id, generated_at, controls FROM audit_reports
      WHERE kind = $1 AND (stage = $2 OR stage IS NULL)
      ORDER BY generated_at DESC, n DESC LIMIT 1`,
    [kind, stage],
  );
  if (!row) return null;
  const controls = json<ControlEntry[]>(row.controls);
  return {
    id: row.id,
    kind,
    generatedAt: new Date(row.generated_at).toISOString(),
    failed: controls
      .filter((c) => c.status === 'fail')
      .map((c) => ({ id: c.id, severity: c.severity as Severity })),
  };
}

export interface StageState {
  /** The latest decision's version; 0 before the first. */
  seq: number;
  opened: boolean;
}

export async function stageState(sql: Sql, stage: string): Promise<StageState> {
  const [row] = await sql.query<{ seq: number | null; opened: boolean | null }>(
    `SELECT max(seq) AS seq, bool_or(outcome = 'opened') AS opened
       FROM audit_stage_decisions WHERE stage = $1`,
    [stage],
  );
  return { seq: Number(row?.seq ?? 0), opened: row?.opened === true };
}

export async function insertStageDecision(
  tx: Sql,
  d: {
    stage: string;
    seq: number;
    outcome: 'opened' | 'refused';
    reasons: unknown;
    actorId: string;
    pendingId: number;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_stage_decisions (stage, seq, outcome, reasons, actor_id, pending_id)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
    [d.stage, d.seq, d.outcome, JSON.stringify(d.reasons), d.actorId, d.pendingId],
  );
}

/** jsonb arrives parsed from pg and as text from some drivers. */
export function json<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export type { Db };

/**
 * The public reads (issue #13: "GET /v1/audit/… lists reports, findings,
 * follow-ups and stages publicly"): each item with its log entry (index and leaf
 * hash, null while pending), lists newest first and paged by an opaque cursor.
 * Nothing here is private: summaries were redacted before they entered the log
 * (rules.ts), and the rows hold what the log holds.
 */
import type { Hono } from 'hono';
import type { Sql } from '../../../ledger/index.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError, badRequest } from '../../errors.ts';
import { canonicalQuery } from '../../params.ts';
import { ERROR_SCHEMA, type RouteDoc, registerRoute } from '../../schemas.ts';
import type { AuditDeps } from './deps.ts';
import { entriesOf } from './entries.ts';
import { evaluateGate } from './gate.ts';
import { now } from './reports.ts';
import { FINDING_ID } from './rules.ts';
import { stageByIdOf } from './stages.ts';
import { json } from './store.ts';

type App = Hono<{ Variables: AppVariables }>;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

function page(q: Map<string, string>): { cursor: number | null; limit: number } {
  const c = q.get('cursor');
  const l = q.get('limit');
  if (c !== undefined && !/^[1-9][0-9]{0,15}$/.test(c))
    throw badRequest('BAD_PARAMETER', 'cursor must be a cursor from a previous page');
  if (l !== undefined && !(/^[1-9][0-9]{0,3}$/.test(l) && Number(l) <= MAX_LIMIT))
    throw badRequest('BAD_PARAMETER', `limit must be 1..${MAX_LIMIT}`);
  return {
    cursor: c === undefined ? null : Number(c),
    limit: l === undefined ? DEFAULT_LIMIT : Number(l),
  };
}

/** Rows `n < cursor`, newest first, one more than asked to know if a next page exists. */
async function paged<R extends { n: number | string }>(
  sql: Sql,
  select: string,
  where: string[],
  params: unknown[],
  p: { cursor: number | null; limit: number },
): Promise<{ rows: R[]; nextCursor: string | null }> {
  const conds = [...where];
  const args = [...params];
  if (p.cursor !== null) {
    args.push(p.cursor);
    conds.push(`n < $${args.length}`);
  }
  args.push(p.limit + 1);
  const rows = await sql.query<R>(
    `${select} ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''} ORDER BY n DESC LIMIT $${args.length}`,
    args,
  );
  const more = rows.length > p.limit;
  const out = more ? rows.slice(0, p.limit) : rows;
  return { rows: out, nextCursor: more ? String(out[out.length - 1]!.n) : null };
}

interface ReportRow {
  n: string;
  id: string;
  kind: string;
  generated_at: string | Date;
  stage: string | null;
  controls: unknown;
  failed: number;
  filed_by: string;
  pending_id: string;
}
interface FindingRow {
  n: string;
  id: string;
  control: string;
  severity: string;
  summary: string;
  redacted: boolean;
  opened_by: string;
  opened_pending: string;
  closed_by: string | null;
  closed_pending: string | null;
}
interface FollowupRow {
  n: string;
  id: string;
  finding: string;
  action: string;
  evidence_sha256: string | null;
  actor_id: string;
  actor_role: string;
  pending_id: string;
}
interface DecisionRow {
  n: string;
  stage: string;
  seq: number;
  outcome: string;
  reasons: unknown;
  actor_id: string;
  pending_id: string;
}

const REPORT_SELECT =
  'SELECT n, id, kind, generated_at, stage, controls, failed, filed_by, pending_id FROM audit_reports';
const FINDING_SELECT =
  'SELECT n, id, control, severity, summary, redacted, opened_by, opened_pending, closed_by, closed_pending FROM audit_findings';

type Entry = Awaited<ReturnType<typeof entriesOf>>;

const reportItem = (r: ReportRow, entry: Entry) => ({
  id: r.id,
  kind: r.kind,
  generatedAt: new Date(r.generated_at).toISOString(),
  stage: r.stage,
  failed: Number(r.failed),
  controls: json<unknown[]>(r.controls),
  filedBy: r.filed_by,
  entry: entry(r.pending_id),
});
const findingItem = (f: FindingRow, entry: Entry) => ({
  id: f.id,
  control: f.control,
  severity: f.severity,
  status: f.closed_by === null ? 'open' : 'closed',
  summary: f.summary,
  redacted: f.redacted,
  openedBy: f.opened_by,
  openedEntry: entry(f.opened_pending),
  closedBy: f.closed_by,
  closedEntry: entry(f.closed_pending),
});
const followupItem = (f: FollowupRow, entry: Entry) => ({
  id: f.id,
  finding: f.finding,
  action: f.action,
  evidenceSha256: f.evidence_sha256,
  actor: { id: f.actor_id, role: f.actor_role },
  entry: entry(f.pending_id),
});
const decisionItem = (d: DecisionRow, entry: Entry) => ({
  seq: d.seq,
  outcome: d.outcome,
  reasons: json<unknown[]>(d.reasons),
  actor: d.actor_id,
  entry: entry(d.pending_id),
});

type Params = NonNullable<RouteDoc['parameters']>;
const PAGE_PARAMS: Params = [
  {
    name: 'cursor',
    in: 'query' as const,
    required: false,
    schema: { type: 'string' },
    description: 'nextCursor of the previous page',
  },
  {
    name: 'limit',
    in: 'query' as const,
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
    description: `items per page (default ${DEFAULT_LIMIT})`,
  },
];
const ID_PARAM = (what: string): Params => [
  {
    name: 'id',
    in: 'path' as const,
    required: true,
    schema: { type: 'string' },
    description: what,
  },
];
const read = (path: string, operationId: string, summary: string, parameters: Params) =>
  registerRoute({
    method: 'get',
    path,
    operationId,
    summary,
    tags: ['audit'],
    security: 'public',
    parameters,
    responses: {
      '200': { description: 'the records, each with its log entry' },
      '400': { description: 'bad parameter', schema: ERROR_SCHEMA },
      '404': { description: 'no such record', schema: ERROR_SCHEMA },
    },
  });

export function auditReadRoutes(app: App, deps: AuditDeps): void {
  const { db, log } = deps;
  const stageById = stageByIdOf(deps.stages);

  read(
    '/v1/audit/reports',
    'listAuditReports',
    'Filed audit and feasibility reports, newest first',
    [
      ...PAGE_PARAMS,
      {
        name: 'kind',
        in: 'query',
        required: false,
        schema: { enum: ['audit', 'feasibility'] },
        description: 'only this kind',
      },
    ],
  );
  app.get('/v1/audit/reports', async (c) => {
    const q = canonicalQuery(c.req.url, ['cursor', 'limit', 'kind']);
    const kind = q.get('kind');
    if (kind !== undefined && kind !== 'audit' && kind !== 'feasibility')
      throw badRequest('BAD_PARAMETER', 'kind must be audit or feasibility');
    const { rows, nextCursor } = await paged<ReportRow>(
      db,
      REPORT_SELECT,
      kind === undefined ? [] : ['kind = $1'],
      kind === undefined ? [] : [kind],
      page(q),
    );
    const entry = await entriesOf(
      log,
      rows.map((r) => r.pending_id),
    );
    return c.json({ reports: rows.map((r) => reportItem(r, entry)), nextCursor });
  });

  read(
    '/v1/audit/reports/{id}',
    'getAuditReport',
    'One filed report, with the findings it opened and closed',
    ID_PARAM('the report’s SHA-256 (hex)'),
  );
  app.get('/v1/audit/reports/:id', async (c) => {
    canonicalQuery(c.req.url, []);
    const id = c.req.param('id');
    const [row] = /^[0-9a-f]{64}$/.test(id)
      ? await db.query<ReportRow>(`${REPORT_SELECT} WHERE id = $1`, [id])
      : [];
    if (!row) throw new ApiError(404, 'UNKNOWN_REPORT', `no report ${id}`);
    const findings = await db.query<FindingRow>(
      `${FINDING_SELECT} WHERE opened_by = $1 OR closed_by = $1 ORDER BY n`,
      [id],
    );
    const entry = await entriesOf(log, [
      row.pending_id,
      ...findings.flatMap((f) => [f.opened_pending, f.closed_pending]),
    ]);
    return c.json({
      ...reportItem(row, entry),
      findingsOpened: findings.filter((f) => f.opened_by === id).map((f) => findingItem(f, entry)),
      findingsClosed: findings.filter((f) => f.closed_by === id).map((f) => findingItem(f, entry)),
    });
  });

  read('/v1/audit/findings', 'listAuditFindings', 'Findings, newest first', [
    ...PAGE_PARAMS,
    {
      name: 'status',
      in: 'query',
      required: false,
      schema: { enum: ['open', 'closed'] },
      description: 'only open or only closed findings',
    },
  ]);
  app.get('/v1/audit/findings', async (c) => {
    const q = canonicalQuery(c.req.url, ['cursor', 'limit', 'status']);
    const status = q.get('status');
    if (status !== undefined && status !== 'open' && status !== 'closed')
      throw badRequest('BAD_PARAMETER', 'status must be open or closed');
    const where =
      status === undefined
        ? []
        : [status === 'open' ? 'closed_by IS NULL' : 'closed_by IS NOT NULL'];
    const { rows, nextCursor } = await paged<FindingRow>(db, FINDING_SELECT, where, [], page(q));
    const entry = await entriesOf(
      log,
      rows.flatMap((f) => [f.opened_pending, f.closed_pending]),
    );
    return c.json({ findings: rows.map((f) => findingItem(f, entry)), nextCursor });
  });

  read(
    '/v1/audit/findings/{id}',
    'getAuditFinding',
    'One finding with its follow-ups',
    ID_PARAM('finding id'),
  );
  app.get('/v1/audit/findings/:id', async (c) => {
    canonicalQuery(c.req.url, []);
    const id = c.req.param('id');
    const [row] = FINDING_ID.test(id)
      ? await db.query<FindingRow>(`${FINDING_SELECT} WHERE id = $1`, [id])
      : [];
    if (!row) throw new ApiError(404, 'UNKNOWN_FINDING', `no finding ${id}`);
    const followups = await db.query<FollowupRow>(
      'SELECT n, id, finding, action, evidence_sha256, actor_id, actor_role, pending_id FROM audit_followups WHERE finding = $1 ORDER BY n',
      [id],
    );
    const entry = await entriesOf(log, [
      row.opened_pending,
      row.closed_pending,
      ...followups.map((f) => f.pending_id),
    ]);
    return c.json({
      ...findingItem(row, entry),
      followups: followups.map((f) => followupItem(f, entry)),
    });
  });

  read(
    '/v1/audit/stages',
    'listStages',
    'The election calendar’s stages, each open or not, with its latest decision',
    [],
  );
  app.get('/v1/audit/stages', async (c) => {
    canonicalQuery(c.req.url, []);
    const latest = await db.query<DecisionRow>(
      `SELECT DISTINCT ON (stage) n, stage, seq, outcome, reasons, actor_id, pending_id
         FROM audit_stage_decisions ORDER BY stage, seq DESC`,
    );
    const opened = new Set(
      (
        await db.query<{ stage: string }>(
          "SELECT stage FROM audit_stage_decisions WHERE outcome = 'opened'",
        )
      ).map((r) => r.stage),
    );
    const entry = await entriesOf(
      log,
      latest.map((d) => d.pending_id),
    );
    const byStage = new Map(latest.map((d) => [d.stage, d]));
    return c.json({
      maxAgeSeconds: deps.maxAgeSeconds,
      stages: deps.stages.map((s) => {
        const d = byStage.get(s.id);
        return {
          ...s,
          status: opened.has(s.id) ? 'open' : 'not-open',
          latestDecision: d ? decisionItem(d, entry) : null,
        };
      }),
    });
  });

  read(
    '/v1/audit/stages/{id}',
    'getStage',
    'One stage: every decision on it, and what the gate would say now',
    ID_PARAM('stage id'),
  );
  app.get('/v1/audit/stages/:id', async (c) => {
    canonicalQuery(c.req.url, []);
    const stage = stageById(c.req.param('id'));
    if (!stage)
      throw new ApiError(404, 'UNKNOWN_STAGE', `no stage ${c.req.param('id')} in the calendar`);
    const decisions = await db.query<DecisionRow>(
      'SELECT n, stage, seq, outcome, reasons, actor_id, pending_id FROM audit_stage_decisions WHERE stage = $1 ORDER BY seq',
      [stage.id],
    );
    const entry = await entriesOf(
      log,
      decisions.map((d) => d.pending_id),
    );
    const open = decisions.some((d) => d.outcome === 'opened');
    const gate = await evaluateGate(db, stage.id, now(deps), deps.maxAgeSeconds);
    return c.json({
      ...stage,
      status: open ? 'open' : 'not-open',
      // What a decision now would be (not itself a decision, and not logged).
      gate: { open: gate.reasons.length === 0, ...gate },
      decisions: decisions.map((d) => decisionItem(d, entry)),
    });
  });
}

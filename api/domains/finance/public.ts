/**
 * What campaign finance publishes (issue #12 "Public and audit"): totals per
 * participant (contributions by donor category, expenditures by category,
 * breaches and surrendered excess), every filing with its document hash, the
 * ledger's totals, the difference, lateness and its log entry with a route to
 * its inclusion proof, and the open-data CSV with the entry behind each row.
 * Amounts are decimal strings of rupiah. Nothing here reads a donor column:
 * the queries name only public columns (leak.test.ts scans the answers).
 */
import type { Hono } from 'hono';
import type { Db, LogReader } from '../../../ledger/index.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError, notFound } from '../../errors.ts';
import { ERROR_SCHEMA, registerRoute } from '../../schemas.ts';
import { exportCsv } from './csv.ts';
import { type FinanceStatus, financeStatus, mismatch } from './rules.ts';
import {
  DONOR_CATEGORIES,
  EXPENDITURE_CATEGORIES,
  type ReportKind,
  type ReportPayload,
} from './schemas.ts';
import {
  currentRules,
  document,
  type EntryRef,
  entries,
  type ParticipantRow,
  participant,
  participants,
  reportRows,
} from './store.ts';

type App = Hono<{ Variables: AppVariables }>;

export interface ParticipantTotals {
  contributions: Record<string, string>;
  expenditures: Record<string, string>;
  /** Contributions with an excess over their donor's cap, and the excess surrendered. */
  breaches: number;
  excess: string;
  excessSurrendered: string;
}

const zeroes = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, '0']));

export async function totalsByParticipant(db: Db): Promise<Map<string, ParticipantTotals>> {
  const out = new Map<string, ParticipantTotals>();
  const get = (id: string) => {
    let t = out.get(id);
    if (!t) {
      t = {
        contributions: zeroes(DONOR_CATEGORIES),
        expenditures: zeroes(EXPENDITURE_CATEGORIES),
        breaches: 0,
        excess: '0',
        excessSurrendered: '0',
      };
      out.set(id, t);
    }
    return t;
  };
  for (const r of await db.query<{
    participant: string;
    category: string;
    total: string;
    breaches: number | string;
    excess: string;
  }>(
    `SELECT participant, category, sum(amount)::text AS total,
            count(*) FILTER (WHERE excess > 0) AS breaches, sum(excess)::text AS excess
       FROM finance_contributions GROUP BY participant, category`,
  )) {
    const t = get(r.participant);
    t.contributions[r.category] = r.total;
    t.breaches += Number(r.breaches);
    t.excess = String(BigInt(t.excess) + BigInt(r.excess));
  }
  for (const r of await db.query<{ participant: string; category: string; total: string }>(
    'SELECT participant, category, sum(amount)::text AS total FROM finance_expenditures GROUP BY participant, category',
  ))
    get(r.participant).expenditures[r.category] = r.total;
  for (const r of await db.query<{ participant: string; total: string }>(
    'SELECT participant, sum(amount)::text AS total FROM finance_surrenders GROUP BY participant',
  ))
    get(r.participant).excessSurrendered = r.total;
  return out;
}

/** Each participant's sanction status at `now` (rules.ts financeStatus). */
export async function financeStandings(
  db: Db,
  now = new Date(),
): Promise<{ participant: string; kind: string; area: string; status: FinanceStatus }[]> {
  const { rules } = await currentRules(db);
  const filed = new Map<string, Set<ReportKind>>();
  for (const r of await db.query<{ participant: string; kind: ReportKind }>(
    'SELECT DISTINCT participant, kind FROM finance_reports',
  )) {
    const s = filed.get(r.participant) ?? new Set<ReportKind>();
    s.add(r.kind);
    filed.set(r.participant, s);
  }
  return (await participants(db)).map((p) => ({
    participant: p.id,
    kind: p.kind,
    area: p.area,
    status: financeStatus(filed.get(p.id) ?? new Set(), rules.deadlines, now),
  }));
}

const summary = (p: ParticipantRow) => ({ id: p.id, name: p.name, kind: p.kind, area: p.area });

export function financePublicRoutes(app: App, deps: { db: Db; log: LogReader }): void {
  const { db, log } = deps;
  const doc = (path: string, operationId: string, summaryText: string, params = false) =>
    registerRoute({
      method: 'get',
      path,
      operationId,
      summary: summaryText,
      tags: ['finance'],
      security: 'public',
      ...(params
        ? {
            parameters: [
              {
                name: path.includes('{id}') ? 'id' : 'sha256',
                in: 'path' as const,
                required: true,
                schema: { type: 'string' },
                description: 'participant id or document SHA-256 (hex)',
              },
            ],
          }
        : {}),
      responses: {
        '200': { description: 'public campaign-finance data' },
        '404': { description: 'no such participant or document', schema: ERROR_SCHEMA },
      },
    });

  doc('/v1/finance/rules', 'financeRules', 'The caps and deadlines in force');
  app.get('/v1/finance/rules', async (c) => {
    const { seq, rules } = await currentRules(db);
    return c.json({ version: seq, default: seq === 0, ...rules });
  });

  doc(
    '/v1/finance/participants',
    'financeParticipants',
    'Every campaign account with its totals and status',
  );
  app.get('/v1/finance/participants', async (c) => {
    const [list, all, standings, reports] = await Promise.all([
      participants(db),
      totalsByParticipant(db),
      financeStandings(db),
      db.query<{ participant: string; n: number | string }>(
        'SELECT participant, count(*) AS n FROM finance_reports GROUP BY participant',
      ),
    ]);
    const status = new Map(standings.map((s) => [s.participant, s.status]));
    const filings = new Map(reports.map((r) => [r.participant, Number(r.n)]));
    return c.json({
      participants: list.map((p) => ({
        ...summary(p),
        totals: all.get(p.id) ?? emptyTotals(),
        filings: filings.get(p.id) ?? 0,
        status: status.get(p.id)!,
      })),
    });
  });

  doc(
    '/v1/finance/participants/{id}',
    'financeParticipant',
    'One participant: account, totals, status and every filing with its entry',
    true,
  );
  app.get('/v1/finance/participants/:id', async (c) => {
    const id = c.req.param('id');
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(id)) throw notFound(`there is no participant ${id}`);
    const p = await participant(db, id);
    if (!p) throw notFound(`there is no participant ${id}`);
    const [all, standings, rows, cp] = await Promise.all([
      totalsByParticipant(db),
      financeStandings(db),
      reportRows(db, id),
      log.checkpoint(),
    ]);
    const entryOf = await entries(log, [p, ...rows]);
    const size = cp?.size ?? 0;
    const proof = (e: EntryRef) =>
      e.index !== null && e.index < size
        ? `/v1/proofs/inclusion?index=${e.index}&size=${size}`
        : null;
    const account = entryOf(p);
    return c.json({
      ...summary(p),
      contest: p.contest,
      account: {
        bank: p.bank,
        number: p.account_number,
        holder: p.account_holder,
        version: p.seq,
        entry: account,
        proof: proof(account),
      },
      totals: all.get(p.id) ?? emptyTotals(),
      status: standings.find((s) => s.participant === id)!.status,
      filings: rows.map((r) => {
        const pl = JSON.parse(r.payload) as ReportPayload;
        const entry = entryOf(r);
        return {
          kind: r.kind,
          version: r.seq,
          documentSha256: pl.documentSha256,
          document: `/v1/finance/documents/${pl.documentSha256}`,
          declared: pl.declared,
          ledger: pl.ledger,
          difference: pl.difference,
          mismatch: mismatch(pl.difference),
          deadline: pl.deadline,
          late: pl.late,
          entry,
          proof: proof(entry),
        };
      }),
    });
  });

  doc(
    '/v1/finance/documents/{sha256}',
    'financeDocument',
    'A filed report document by its SHA-256',
    true,
  );
  app.get('/v1/finance/documents/:sha256', async (c) => {
    const hex = c.req.param('sha256');
    if (!/^[0-9a-f]{64}$/.test(hex))
      throw new ApiError(400, 'BAD_HASH', 'a document is named by 64 lowercase hex digits');
    const d = await document(db, Buffer.from(hex, 'hex'));
    if (!d) throw notFound(`there is no document ${hex}`);
    return c.body(Buffer.from(d.bytes), 200, {
      'Content-Type': d.media_type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${hex}"`,
    });
  });

  doc(
    '/v1/finance/export.csv',
    'financeExport',
    'Open data: every contribution, surrender, expenditure and filing with its log entry',
  );
  app.get('/v1/finance/export.csv', async (c) => {
    return c.body(await exportCsv(db, log), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });
}

function emptyTotals(): ParticipantTotals {
  return {
    contributions: zeroes(DONOR_CATEGORIES),
    expenditures: zeroes(EXPENDITURE_CATEGORIES),
    breaches: 0,
    excess: '0',
    excessSurrendered: '0',
  };
}

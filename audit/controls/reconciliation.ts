/**
 * Control 2, reconciliation (issue #13): every domain row has its log entry and
 * every entry its row, equal in content (./../reconcile/). Each finding names
 * the record: `count_forms chasil:PPWP:…/2`, `log entry 1234`. The published
 * leaf hashes from control 1 tie the database's log to what was published.
 * Without a database the control is skipped (and says so).
 */
import { entriesToRows } from '../reconcile/entries-to-rows.ts';
import { TABLES } from '../reconcile/index.ts';
import { rowsToEntries } from '../reconcile/rows-to-entries.ts';
import type { AuditContext, Control, ControlOutcome, Finding } from '../types.ts';

export const reconciliation: Control = {
  id: 'reconciliation',
  title: { id: 'Rekonsiliasi basis data dan log', en: 'Database and log reconciliation' },
  severity: 'critical',
  run,
};

async function run(ctx: AuditContext): Promise<ControlOutcome> {
  if (!ctx.db || !ctx.reader)
    return {
      status: 'skip',
      summary: 'no database given (--database): rows cannot be compared with the log',
      findings: [],
      evidence: {},
    };
  const findings: Finding[] = [];
  const size = ctx.published?.size ?? (await ctx.reader.integratedSize());
  const stats = await entriesToRows({
    sql: ctx.db,
    reader: ctx.reader,
    size,
    ...(ctx.published ? { published: ctx.published } : {}),
    tables: TABLES,
    findings,
    progress: (done) => ctx.progress?.({ control: 'reconciliation', done, total: size }),
  });
  const rows: Record<string, number> = {};
  for (const table of TABLES) rows[table.table] = await rowsToEntries(ctx.db, table, findings);
  const evidence = {
    logSize: size,
    againstPublished: Boolean(ctx.published),
    entriesRead: stats.entries,
    entriesReconciled: stats.reconciled,
    entriesOfOtherKinds: stats.notReconciled,
    rowsChecked: rows,
    findingsByCode: countBy(findings),
  };
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  return findings.length === 0
    ? {
        status: 'pass',
        summary: `${stats.entries} entries and ${total} rows in ${TABLES.length} tables: every row has its entry and every entry its row, equal in content`,
        findings,
        evidence,
      }
    : {
        status: 'fail',
        summary: `${findings.length} discrepancies between the database and the log (${Object.entries(
          evidence.findingsByCode,
        )
          .map(([c, n]) => `${c} ×${n}`)
          .join(', ')})`,
        findings,
        evidence,
      };
}

function countBy(findings: Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.code] = (out[f.code] ?? 0) + 1;
  return out;
}

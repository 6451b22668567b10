/**
 * Reconciliation of the campaign-finance tables (migration 015) and the audit
 * gate's tables (migration 016), on PGlite and PostgreSQL: an honest server
 * passes, with every one of those tables reconciled both ways; then the
 * insider's tamperings — triggers disabled (session_replication_role =
 * replica) — are each named exactly: a stored field changed (ROW_DIFFERS), a
 * row deleted (ROW_MISSING), a row written without an entry or a finding
 * closed behind the log's back (ROW_WITHOUT_ENTRY). Each drill undoes its
 * tampering and the audit passes again.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoClient, demoToken } from '../api/demo/index.ts';
import { logIntegrity } from './controls/log-integrity.ts';
import { reconciliation } from './controls/reconciliation.ts';
import { type AuditedServer, auditedServer } from './testing.ts';
import type { Finding } from './types.ts';

let s: AuditedServer;

/** Runs SQL with triggers off in one transaction (what the insider does). */
async function tamper(sqlText: string, params: unknown[] = []) {
  return s.server.runtime.db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    return tx.query<Record<string, unknown>>(sqlText, params);
  });
}
const one = async (sqlText: string, params: unknown[] = []) =>
  (await s.server.runtime.db.query<Record<string, unknown>>(sqlText, params))[0]!;

async function audit(): Promise<Finding[]> {
  const c = await s.context();
  return [...(await logIntegrity.run(c)).findings, ...(await reconciliation.run(c)).findings];
}

/** Re-inserts a deleted row as it was. */
async function restore(table: string, row: Record<string, unknown>) {
  const cols = Object.keys(row);
  await tamper(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    cols.map((c) =>
      row[c] !== null &&
      typeof row[c] === 'object' &&
      !(row[c] instanceof Uint8Array) &&
      !(row[c] instanceof Date)
        ? JSON.stringify(row[c])
        : row[c],
    ),
  );
}

const sha = () => randomBytes(32).toString('hex');

beforeAll(async () => {
  s = await auditedServer({ tps: 0, donors: 6 });
  const client = new DemoClient(s.server.url);
  const kpu = await demoToken(client, 'KPU_RI', 'ID');
  const party = await demoToken(client, 'PARTY', 'ID');
  const auditor = await demoToken(client, 'AUDITOR', 'ID');
  // A changed account: finance_participants holds its latest version only.
  await client.request('POST', 'v1/finance/accounts', {
    token: kpu.token,
    json: {
      id: 'partai-demo-1',
      seq: 2,
      reason: 'the campaign account moved bank',
      name: 'Partai Demo Satu',
      kind: 'party',
      area: 'ID',
      filer: party.id,
      account: { bank: 'Bank Demo Lain', number: '0088000001', holder: 'RKDK Partai Demo Satu' },
    },
    expect: [201],
  });
  const report = async (controls: { id: string; status: string }[]) =>
    client.request('POST', 'v1/audit/reports', {
      token: auditor.token,
      json: {
        kind: 'audit',
        reportSha256: sha(),
        generatedAt: new Date(Date.now() - 60_000).toISOString(),
        controls: controls.map((c) => ({ ...c, severity: 'high', summary: `${c.id} ${c.status}` })),
      },
      expect: [201],
    });
  // Two findings opened, one closed by a later passing run; a follow-up on the
  // other; a stage refused because of it.
  await report([
    { id: 'feasibility', status: 'fail' },
    { id: 'policies', status: 'fail' },
  ]);
  await report([{ id: 'policies', status: 'pass' }]);
  const open = await one("SELECT id FROM audit_findings WHERE control = 'feasibility'");
  await client.request('POST', `v1/audit/findings/${open.id}/followups`, {
    token: auditor.token,
    json: {
      action: 'load test re-run scheduled with the new database nodes',
      evidenceSha256: sha(),
    },
    expect: [201],
  });
  const stages = await client.request<{ stages: { id: string }[] }>('GET', 'v1/audit/stages');
  await client.request('POST', `v1/audit/stages/${stages.body.stages[0]!.id}/open`, {
    token: kpu.token,
    json: {},
    expect: [409],
  });
  await s.settle();
}, 300_000);
afterAll(async () => s?.close());

const NEW_TABLES = [
  'finance_rules',
  'finance_participants',
  'finance_contributions',
  'finance_surrenders',
  'finance_expenditures',
  'finance_reports',
  'finance_auditors',
  'finance_openings',
  'audit_reports',
  'audit_findings',
  'audit_followups',
  'audit_stage_decisions',
];

describe('reconciliation of the finance and audit tables', () => {
  it('the honest log and database pass, every new table reconciled both ways', async () => {
    const c = await s.context();
    expect((await logIntegrity.run(c)).findings).toEqual([]);
    const out = await reconciliation.run(c);
    expect(out.findings).toEqual([]);
    const entries = out.evidence.entriesReconciled as Record<string, number>;
    const rows = out.evidence.rowsChecked as Record<string, number>;
    for (const t of NEW_TABLES) {
      expect(entries[t], t).toBeGreaterThan(0);
      expect(rows[t], t).toBeGreaterThan(0);
    }
    // Two versions of the changed account, one row; two entries of the closed finding, one row.
    expect(entries.finance_participants).toBe(rows.finance_participants! + 1);
    expect(entries.audit_findings).toBe(3);
    expect(rows.audit_findings).toBe(2);
    const others = Object.keys(out.evidence.entriesOfOtherKinds as object);
    expect(others.filter((k) => k.startsWith('finance.') || k.startsWith('audit.'))).toEqual([]);
  });

  it.each([
    ['finance_contributions', 'subject', 'amount', 'amount = amount + 1'],
    ['finance_participants', 'id', 'account_number', "account_number = '0000000001'"],
    ['finance_reports', "participant || '/' || kind || '/' || seq", 'late', 'late = NOT late'],
    ['finance_openings', 'subject', 'auditor', "auditor = 'intruder'"],
    ['audit_reports', 'id', 'stage', "stage = 'pemungutan-suara'"],
    ['audit_findings', 'id', 'severity', "severity = 'low'"],
    ['audit_followups', 'id', 'action', "action = 'nothing to do'"],
    ['audit_stage_decisions', "stage || '/' || seq", 'outcome', "outcome = 'opened'"],
  ])(
    '%s (key %s): the stored %s changed → ROW_DIFFERS naming the record and column',
    async (table, key, column, set) => {
      const row = await one(`SELECT ${key} AS k, ${column} AS v FROM ${table} ORDER BY 1 LIMIT 1`);
      await tamper(`UPDATE ${table} SET ${set} WHERE ${key} = $1`, [row.k]);
      try {
        expect(await audit()).toEqual([
          expect.objectContaining({
            code: 'ROW_DIFFERS',
            record: `${table} ${row.k}`,
            message: expect.stringMatching(
              new RegExp(`^${table} ${column} differs from log entry \\d+$`),
            ),
          }),
        ]);
      } finally {
        await tamper(`UPDATE ${table} SET ${column} = $2 WHERE ${key} = $1`, [row.k, row.v]);
      }
      expect(await audit()).toEqual([]);
    },
  );

  it('finance_participants: the latest version of a changed account edited → one ROW_DIFFERS, against that version', async () => {
    const latest = await one(
      "SELECT v.leaf_hash FROM subject_versions v WHERE v.subject = 'finance-account:partai-demo-1' AND v.seq = 2",
    );
    const index = await s.server.runtime.store.indexOfLeaf(latest.leaf_hash as Uint8Array);
    await tamper("UPDATE finance_participants SET bank = 'Bank Palsu' WHERE id = 'partai-demo-1'");
    try {
      expect(await audit()).toEqual([
        expect.objectContaining({
          code: 'ROW_DIFFERS',
          record: 'finance_participants partai-demo-1',
          message: `finance_participants bank differs from log entry ${index}`,
        }),
      ]);
    } finally {
      await tamper(
        "UPDATE finance_participants SET bank = 'Bank Demo Lain' WHERE id = 'partai-demo-1'",
      );
    }
    expect(await audit()).toEqual([]);
  });

  it.each([
    ['finance_expenditures', 'subject'],
    ['finance_surrenders', 'contribution'],
    ['finance_auditors', "participant || '/' || seq"],
    ['audit_followups', 'id'],
    ['audit_stage_decisions', "stage || '/' || seq"],
  ])('%s: a row deleted → ROW_MISSING naming the record', async (table, key) => {
    const [row] = await tamper(`SELECT *, ${key} AS k FROM ${table} ORDER BY ${key} LIMIT 1`);
    const { k, ...stored } = row!;
    await tamper(`DELETE FROM ${table} WHERE ${key} = $1`, [k]);
    try {
      expect(await audit()).toEqual([
        expect.objectContaining({ code: 'ROW_MISSING', record: `${table} ${k}` }),
      ]);
    } finally {
      await restore(table, stored);
    }
    expect(await audit()).toEqual([]);
  });

  it('finance_expenditures: a row inserted without an entry → ROW_WITHOUT_ENTRY', async () => {
    const subject = `finance-expenditure:${sha().slice(0, 32)}`;
    await tamper(
      `INSERT INTO finance_expenditures (subject, participant, category, amount, day, description, entry_hash, pending_id)
       VALUES ($1, 'partai-demo-2', 'materials', 1000000, '2024-01-05', 'never spent', $2, 1)`,
      [subject, randomBytes(32)],
    );
    try {
      expect(await audit()).toEqual([
        expect.objectContaining({
          code: 'ROW_WITHOUT_ENTRY',
          record: `finance_expenditures ${subject}`,
          message: `no log entry records version 1 of ${subject}`,
        }),
      ]);
    } finally {
      await tamper('DELETE FROM finance_expenditures WHERE subject = $1', [subject]);
    }
    expect(await audit()).toEqual([]);
  });

  it('audit_reports: a report inserted citing another entry → ROW_WITHOUT_ENTRY', async () => {
    const id = sha();
    const other = await one('SELECT pending_id FROM audit_reports LIMIT 1');
    await tamper(
      `INSERT INTO audit_reports (id, kind, generated_at, stage, controls, failed, filed_by, pending_id)
       VALUES ($1, 'audit', now(), NULL, '[]'::jsonb, 0, 'intruder', $2)`,
      [id, other.pending_id],
    );
    try {
      expect(await audit()).toEqual([
        expect.objectContaining({
          code: 'ROW_WITHOUT_ENTRY',
          record: `audit_reports ${id}`,
          message: `no log entry records version 1 of audit-report:${id}`,
        }),
      ]);
    } finally {
      await tamper('DELETE FROM audit_reports WHERE id = $1', [id]);
    }
    expect(await audit()).toEqual([]);
  });

  it('audit_findings: a finding closed behind the log (to open a stage) → ROW_WITHOUT_ENTRY', async () => {
    const open = await one('SELECT id FROM audit_findings WHERE closed_by IS NULL');
    const report = await one('SELECT id, pending_id FROM audit_reports ORDER BY n DESC LIMIT 1');
    await tamper('UPDATE audit_findings SET closed_by = $2, closed_pending = $3 WHERE id = $1', [
      open.id,
      report.id,
      report.pending_id,
    ]);
    try {
      expect(await audit()).toEqual([
        expect.objectContaining({
          code: 'ROW_WITHOUT_ENTRY',
          record: `audit_findings ${open.id}`,
          message: `no log entry records version 2 of audit-finding:${open.id}`,
        }),
      ]);
    } finally {
      await tamper(
        'UPDATE audit_findings SET closed_by = NULL, closed_pending = NULL WHERE id = $1',
        [open.id],
      );
    }
    expect(await audit()).toEqual([]);
  });
});

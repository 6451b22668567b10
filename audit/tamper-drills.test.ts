/**
 * Tamper drills (issue #13): an insider with PostgreSQL superuser rights
 * changes history behind the application's back — triggers disabled with
 * session_replication_role = replica, so the append-only triggers do not
 * refuse — and the audit names exactly what was done. Each drill undoes its
 * tampering afterwards, and the audit passes again. Real PostgreSQL only: the
 * superuser's tools (replica role, a second connection) are what is drilled.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../ledger/verifier/index.ts';
import { TEST_DB_KIND } from '../test/fresh-db.ts';
import { logIntegrity } from './controls/log-integrity.ts';
import { reconciliation } from './controls/reconciliation.ts';
import { type AuditedServer, auditedServer } from './testing.ts';
import type { AuditContext, Finding } from './types.ts';

let s: AuditedServer;
let su: pg.Client;

/** Runs SQL as the superuser with triggers off (what the insider does). */
async function tamper(sqlText: string, params: unknown[] = []) {
  await su.query('SET session_replication_role = replica');
  try {
    return (await su.query(sqlText, params)).rows;
  } finally {
    await su.query('SET session_replication_role = DEFAULT');
  }
}

async function audit(ctx?: AuditContext): Promise<Finding[]> {
  const c = ctx ?? (await s.context());
  const one = await logIntegrity.run(c);
  const two = await reconciliation.run(c);
  return [...one.findings, ...two.findings];
}

describe.skipIf(TEST_DB_KIND !== 'postgres')('tamper drills on PostgreSQL', () => {
  beforeAll(async () => {
    s = await auditedServer({ tps: 1, voters: 2 });
    su = new pg.Client({ connectionString: s.databaseUrl });
    await su.connect();
  }, 240_000);
  afterAll(async () => {
    await su?.end();
    await s?.close();
  });

  it('the honest log and database pass', async () => {
    expect(await audit()).toEqual([]);
  });

  it('a stored field changed with triggers disabled: ROW_DIFFERS naming the record and column', async () => {
    const [row] = await su
      .query('SELECT subject, seq, officer_id FROM count_forms ORDER BY subject, seq LIMIT 1')
      .then((r) => r.rows);
    await tamper('UPDATE count_forms SET officer_id = $3 WHERE subject = $1 AND seq = $2', [
      row.subject,
      row.seq,
      'intruder',
    ]);
    try {
      const findings = await audit();
      expect(findings).toEqual([
        expect.objectContaining({
          code: 'ROW_DIFFERS',
          record: `count_forms ${row.subject}/${row.seq}`,
          message: expect.stringMatching(/^count_forms officer_id differs from log entry \d+$/),
        }),
      ]);
    } finally {
      await tamper('UPDATE count_forms SET officer_id = $3 WHERE subject = $1 AND seq = $2', [
        row.subject,
        row.seq,
        row.officer_id,
      ]);
    }
    expect(await audit()).toEqual([]);
  });

  it('a row deleted: ROW_MISSING naming the record', async () => {
    const [row] = await su
      .query('SELECT * FROM voter_changes ORDER BY subject, seq LIMIT 1')
      .then((r) => r.rows);
    await tamper('DELETE FROM voter_changes WHERE subject = $1 AND seq = $2', [
      row.subject,
      row.seq,
    ]);
    try {
      expect(await audit()).toEqual([
        expect.objectContaining({
          code: 'ROW_MISSING',
          record: `voter_changes ${row.subject}/${row.seq}`,
        }),
      ]);
    } finally {
      const cols = Object.keys(row);
      await tamper(
        `INSERT INTO voter_changes (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        cols.map((c) => row[c]),
      );
    }
    expect(await audit()).toEqual([]);
  });

  it('a row inserted without an entry: ROW_WITHOUT_ENTRY naming the record', async () => {
    const subject = 'incident:3171011001001:99';
    await tamper(
      `INSERT INTO tps_reports (subject, seq, tps, type, occurred_at, description, officer_id, entry_hash)
       VALUES ($1, 1, '3171011001001', 'incident', now(), 'never happened', 'intruder', $2)`,
      [subject, Buffer.alloc(32, 5)],
    );
    try {
      expect(await audit()).toEqual([
        expect.objectContaining({ code: 'ROW_WITHOUT_ENTRY', record: `tps_reports ${subject}/1` }),
      ]);
    } finally {
      await tamper('DELETE FROM tps_reports WHERE subject = $1', [subject]);
    }
    expect(await audit()).toEqual([]);
  });

  it('a log table edited: LOG_ENTRY_EDITED naming the entry', async () => {
    // The last entry: its bundle is partial, assembled from the edited table on read.
    const [last] = await su
      .query(
        'SELECT e.idx, p.id, p.entry FROM ledger_entries e JOIN ledger_pending p ON p.id = e.pending_id ORDER BY e.idx DESC LIMIT 1',
      )
      .then((r) => r.rows);
    const edited = Buffer.from(last.entry);
    edited[edited.length - 2] = (edited[edited.length - 2] ?? 0) ^ 1;
    await tamper('UPDATE ledger_pending SET entry = $2 WHERE id = $1', [last.id, edited]);
    try {
      const c = await s.context();
      const two = await reconciliation.run(c);
      expect(two.findings).toEqual([
        expect.objectContaining({ code: 'LOG_ENTRY_EDITED', record: `log entry ${last.idx}` }),
      ]);
    } finally {
      await tamper('UPDATE ledger_pending SET entry = $2 WHERE id = $1', [last.id, last.entry]);
    }
    expect(await audit()).toEqual([]);
  });

  describe('a second history under the same log key', () => {
    let fork: AuditedServer;
    beforeAll(async () => {
      // The same keystore (copied) and origin, another database and more entries:
      // the insider signs another history with the real log key.
      // Both drills need the fork strictly longer than the honest log: a forked
      // checkpoint no shorter than the saved one is INCONSISTENT_LOG, a shorter one
      // LOG_SHRANK. Two TPS more than the honest log's one (with its 2 voters)
      // keeps a wide margin, and both logs are settled so neither is still growing
      // when its size is taken (under load the sizes crossed once, and each drill
      // got the other's finding).
      fork = await auditedServer({ tps: 3, keysFrom: s.dir });
      await s.settle();
      await fork.settle();
    }, 240_000);
    afterAll(async () => fork?.close());

    it('a forked checkpoint served to the auditor: INCONSISTENT_LOG', async () => {
      const saved = await logIntegrity.run(await s.context());
      const c = await fork.context({
        verifierKey: s.server.runtime.verifierKey,
        previous: {
          size: saved.evidence.size as number,
          rootHash: fromBase64(saved.evidence.rootHash as string),
        },
      });
      expect(c.verifierKey).toBe(fork.server.runtime.verifierKey);
      expect((await fork.server.runtime.store.checkpoint())?.size).toBeGreaterThan(
        saved.evidence.size as number,
      );
      const out = await logIntegrity.run(c);
      expect(out.findings.map((f) => f.code)).toEqual(['INCONSISTENT_LOG']);
    });

    it('the log rolled back to a shorter history: LOG_SHRANK', async () => {
      const saved = await logIntegrity.run(await fork.context());
      expect((await s.server.runtime.store.checkpoint())?.size).toBeLessThan(
        saved.evidence.size as number,
      );
      const c = await s.context({
        previous: {
          size: saved.evidence.size as number,
          rootHash: fromBase64(saved.evidence.rootHash as string),
        },
      });
      const out = await logIntegrity.run(c);
      expect(out.findings.map((f) => f.code)).toEqual(['LOG_SHRANK']);
    });
  });
});

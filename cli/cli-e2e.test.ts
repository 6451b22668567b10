// End to end on loopback (CONVENTIONS.md §11): the real `saksi` command as
// operators run it — serve, verify with a state file, and ledger append beside a
// running server (PostgreSQL) or on the embedded database (PGlite).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../test/fresh-db.ts';
import { SAKSI_BIN, type Served, startServe, stopProcess } from '../test/saksi-process.ts';

let dir: string;
let fresh: FreshDb | undefined;
let env: NodeJS.ProcessEnv;

function run(
  args: string[],
  input = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [SAKSI_BIN, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input);
  });
}

/** The demo server on a free port, with its log verifier key. */
async function serveDemo(): Promise<Served & { key: string }> {
  const key = /log verifier key: (\S+)/;
  const s = await startServe(['--port', '0', '--data', dir, '--demo'], env, [key]);
  return { ...s, key: key.exec(s.stdout)![1]! };
}

const envelope = (i: number, extra: object = {}) =>
  JSON.stringify({
    v: 1,
    kind: 'legacy.record.imported',
    subject: `legacy:${i}`,
    seq: 1,
    prev: null,
    at: '2024-02-14T13:00:00Z',
    actor: { id: 'importer', role: 'ADMIN' },
    payload: { i, note: 'record from before Saksi' },
    ...extra,
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saksi-e2e-'));
  // The demo's background seeding would add forms the expected log sizes do not count.
  env = { ...process.env, SAKSI_LOG_ORIGIN: 'e2e.saksi.localhost/log', SAKSI_DEMO_SEED: '0' };
  delete env.DATABASE_URL;
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close(); // the processes under test open their own connections
    env.DATABASE_URL = fresh.url;
  }
});
afterAll(async () => {
  if (fresh) await fresh.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('saksi serve, verify and ledger append', () => {
  it('serves a demo log that verifies, grows through ledger append, and refuses bad imports', async () => {
    const state = join(dir, 'verify-state.json');
    let s = await serveDemo();
    try {
      const first = await run([
        'verify',
        '--log',
        `${s.url}/log`,
        '--key',
        s.key,
        '--state',
        state,
      ]);
      expect(first.code, first.stderr + first.stdout).toBe(0);
      const saved = JSON.parse(readFileSync(state, 'utf8'));
      expect(saved.size).toBeGreaterThan(0);

      const bad = `${envelope(1)}\n${envelope(2, { seq: 0 })}\n`;
      if (TEST_DB_KIND === 'pglite') {
        // PGlite is one process's database: append must refuse while serve runs.
        const busy = await run(['ledger', 'append', '--data', dir], `${envelope(0)}\n`);
        expect(busy.code).toBe(1);
        expect(busy.stderr).toMatch(/in use by process/);
        await stopProcess(s.proc);
      }
      const refused = await run(['ledger', 'append', '--data', dir], bad);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/line 2: invalid entry: \/seq/);
      expect(refused.stderr).toMatch(/nothing appended/);

      const lines = Array.from({ length: 300 }, (_, i) => envelope(i)).join('\n');
      const ok = await run(['ledger', 'append', '--data', dir, '--batch', '100'], `${lines}\n`);
      expect(ok.code, ok.stderr).toBe(0);
      expect(Number(ok.stdout.trim())).toBe(saved.size + 300);

      if (TEST_DB_KIND === 'pglite') s = await serveDemo();
      const second = await run([
        'verify',
        '--log',
        `${s.url}/log`,
        '--key',
        s.key,
        '--state',
        state,
      ]);
      expect(second.code, second.stderr + second.stdout).toBe(0);
      expect(JSON.parse(readFileSync(state, 'utf8')).size).toBe(saved.size + 300);

      const entry = (await (await fetch(`${s.url}/v1/ledger/entries/${saved.size}`)).json()) as {
        entry: unknown;
      };
      expect(entry.entry).toMatchObject({ kind: 'legacy.record.imported', subject: 'legacy:0' });
    } finally {
      await stopProcess(s.proc);
    }
  });

  // Usage errors are refused before any database is opened: checked once, in the
  // PGlite pass (one process start each; vitest.config.ts keeps `npm test` short).
  it.skipIf(TEST_DB_KIND !== 'pglite')('answers usage errors with exit code 2', async () => {
    expect((await run(['verify'])).code).toBe(2);
    expect((await run(['serve', '--port', 'abc'])).code).toBe(2);
    expect((await run(['nonsense'])).code).toBe(2);
    expect((await run(['ledger', 'append', '--bogus'])).code).toBe(2);
    const r = await run(['serve', '--workers', '2', '--data', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers needs DATABASE_URL/);
  });
});

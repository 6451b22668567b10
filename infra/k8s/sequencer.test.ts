// "One sequencer with leader election through the PostgreSQL lock" (issue #14)
// as infra/k8s deploys it: no sequencer Deployment; every API pod runs
// `saksi serve --workers N` with SAKSI_NODE_ROLE=api, and each of its
// processes is a candidate. Two such pods (the rendered command and plain
// environment, on one PostgreSQL database) must have exactly one lock holder
// between them; when the leader's pod dies, a process of the other pod takes
// the lock. On PostgreSQL only (PGlite is one process's database).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { apiWorkers, sequencerPid } from '../../loadtest/driver/index.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../../test/fresh-db.ts';
import { type Served, startServe, stopProcess } from '../../test/saksi-process.ts';
import { render, VALUES_FILE } from './render.ts';

// biome-ignore lint/suspicious/noExplicitAny: a parsed manifest, read field by field
type Obj = Record<string, any>;

/** ledger/sequencer.ts DEFAULT_LOCK (the chaos driver finds the leader by it too). */
const SEQUENCER_LOCK = 0x5345_5131;

const manifests = [...render(readFileSync(VALUES_FILE, 'utf8')).values()].flatMap((text) =>
  parseAllDocuments(text).map((d) => d.toJS() as Obj),
);
const deployments = manifests.filter((m) => m.kind === 'Deployment');
const apiContainer = deployments.find((d) => d.metadata.name === 'saksi-api')!.spec.template.spec
  .containers[0] as Obj;

describe('infra/k8s: the sequencer', () => {
  it('has no Deployment of its own: the API pods are the candidates, with the sequencer policy', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['saksi-api', 'saksi-recap']);
    expect(apiContainer.command).toEqual(['node', 'bin/saksi.js', 'serve']);
    expect(apiContainer.args).toContain('--workers');
    const env = Object.fromEntries((apiContainer.env as Obj[]).map((e) => [e.name, e.value]));
    expect(env.SAKSI_NODE_ROLE).toBe('api');
    // Any API process may lead, so the pods' Vault role carries the sequencer's policy.
    const api = deployments.find((d) => d.metadata.name === 'saksi-api')!;
    const role = api.spec.template.metadata.annotations['vault.hashicorp.com/role'];
    expect(role).toBeTruthy();
    expect(readFileSync('infra/k8s/README.md', 'utf8')).toMatch(
      new RegExp(`role/${role}\\b[^\\u0060]*token_policies=\\S*saksi-sequencer`),
    );
    // At least two pods, so that a leader's pod lost still leaves candidates.
    expect(api.spec.replicas).toBeGreaterThanOrEqual(2);
  });
});

describe.skipIf(TEST_DB_KIND !== 'postgres')('infra/k8s: leader election across API pods', () => {
  let fresh: FreshDb;
  let dir: string;
  const pods: Served[] = [];

  beforeAll(async () => {
    fresh = await freshDb();
    await fresh.db.close();
    dir = mkdtempSync(join(tmpdir(), 'saksi-pods-'));
  }, 120_000);
  afterAll(async () => {
    // The killed pod has exited already (stopProcess would wait for an exit event that is past).
    for (const p of pods)
      if (p.proc.signalCode === null) await stopProcess(p.proc).catch(() => undefined);
    await fresh.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  async function holders(): Promise<number> {
    const c = new pg.Client({ connectionString: fresh.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1
            AND a.datname = current_database()`,
        [SEQUENCER_LOCK],
      );
      return rows[0]!.n;
    } finally {
      await c.end();
    }
  }

  /** The leading worker, once one of `candidates` holds the lock (polled; no timing asserted). */
  async function leaderAmong(candidates: () => number[]): Promise<number> {
    for (let i = 0; i < 600; i++) {
      const pid = await sequencerPid(fresh.url!, candidates());
      if (pid !== undefined) return pid;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('no process took the sequencer lock');
  }

  it('two API pods: exactly one sequencer; the other pod takes over when the leader pod dies', async () => {
    // The pods' plain environment as rendered; the database and the keys
    // (Vault in the cluster, one keystore here: every pod signs with the
    // same log key) are this test's.
    const env: NodeJS.ProcessEnv = { ...process.env, SAKSI_DEMO_SEED: '0' };
    for (const e of apiContainer.env as Obj[])
      if (typeof e.value === 'string' && !/VAULT|SAKSI_DATA/.test(e.name)) env[e.name] = e.value;
    env.DATABASE_URL = fresh.url;
    const args = ['--workers', '2', '--port', '0', '--data', join(dir, 'data')];
    // The first pod creates the keys; the second starts once they exist.
    pods.push(await startServe(args, env));
    pods.push(await startServe(args, env));
    const workersOf = (p: Served) => apiWorkers(p.proc.pid!);
    const all = () => pods.flatMap(workersOf);
    await leaderAmong(all);
    expect(pods.map((p) => workersOf(p).length)).toEqual([2, 2]);
    expect(await holders()).toBe(1);

    const leader = await leaderAmong(all);
    const leading = pods.findIndex((p) => workersOf(p).includes(leader));
    expect(leading).toBeGreaterThanOrEqual(0);
    const survivor = pods[1 - leading]!;
    // The leader's pod dies whole (node lost): its primary and every worker.
    const dead = pods[leading]!;
    const deadWorkers = workersOf(dead);
    process.kill(dead.proc.pid!, 'SIGKILL');
    for (const w of deadWorkers) process.kill(w, 'SIGKILL');
    const next = await leaderAmong(() => workersOf(survivor));
    expect(workersOf(survivor)).toContain(next);
    expect(await holders()).toBe(1);
    // Starting four processes on a loaded machine takes long; no timing is asserted.
  }, 600_000);
});

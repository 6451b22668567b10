/**
 * A log and two witnesses (issue #16), on the test database (PGlite, or the real
 * PostgreSQL with SAKSI_TEST_DB=postgres): witness A runs in this process, witness
 * B is `saksi witness serve` in a child process that the test SIGKILLs. The log's
 * collector sends each checkpoint to both, /log/checkpoint serves the
 * cosignatures, and clients (`saksi verify --witness … --quorum K` and the
 * verifier functions) require them. A fork (a second history under the same log
 * key) and a rolled-back log are refused by the witnesses and fail the quorum.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  addPending,
  type Db,
  ed25519Signer,
  LedgerStore,
  Sequencer,
  verifierKeyOf,
} from '../../ledger/index.ts';
import {
  openCosignedCheckpoint,
  parseVerifierKey,
  utf8,
  VerifyError,
  verifyLog,
} from '../../ledger/verifier/index.ts';
import { type FreshDb, freshDb } from '../../test/fresh-db.ts';
import { generateWitnessKey, loadWitnessKey } from '../../witness/keys.ts';
import { startWitnessServer } from '../../witness/server.ts';
import { originHash, WitnessStore } from '../../witness/state.ts';
import { Witness } from '../../witness/witness.ts';
import { createApp } from '../app.ts';
import { WitnessCollector } from './witnesses.ts';

const BIN = fileURLToPath(new URL('../../bin/saksi.js', import.meta.url));
const ORIGIN = 'witnessed.test/log';
const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(0x33));
const vkey = verifierKeyOf(signer);
const entry = (i: number, tag = 'main') => utf8(JSON.stringify({ n: i, tag }));

const dir = mkdtempSync(join(tmpdir(), 'saksi-witnessed-'));
const cleanups: (() => Promise<void> | void)[] = [];

interface Log {
  t: FreshDb;
  store: LedgerStore;
  seq: Sequencer;
  next: number;
}

async function openLog(): Promise<Log> {
  const t = await freshDb();
  const seq = new Sequencer(t.db, signer, { origin: ORIGIN });
  await seq.acquire();
  const store = new LedgerStore(t.db, { checkpointTtlMs: 0 });
  cleanups.push(async () => {
    await seq.stop();
    await t.drop();
  });
  return { t, store, seq, next: 0 };
}

async function append(log: Log, n: number, tag = 'main'): Promise<void> {
  const batch = Array.from({ length: n }, (_, i) => entry(log.next + i, tag));
  log.next += n;
  await (log.t.db as Db).transaction((tx) => addPending(tx, batch));
  while ((await log.seq.integrateOnce()) > 0);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s: Server = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `saksi witness serve` in a child process; resolves once it listens. */
function spawnWitness(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'witness', 'serve', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SAKSI_LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) resolve(p);
    });
    p.stderr!.on('data', (d) => {
      err += d;
    });
    p.on('exit', (code) => reject(new Error(`witness exited ${code}: ${err}`)));
  });
}

function killed(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
}

let log: Log;
let logUrl: string;
let collector: WitnessCollector;
const errors: string[] = [];
let keyA: string;
let keyB: string;
let storeA: WitnessStore;
let childB: ChildProcess;
let bArgs: string[];
let bUrl: string;
let aUrl: string;
const dataB = join(dir, 'b-data');

beforeAll(async () => {
  log = await openLog();
  // Witness A: in this process.
  keyA = generateWitnessKey('a.witness.test/w', join(dir, 'a.key'));
  storeA = WitnessStore.open(join(dir, 'a-data'));
  const witnessA = new Witness({
    signer: loadWitnessKey(join(dir, 'a.key')),
    logKeys: [parseVerifierKey(vkey)],
    store: storeA,
  });
  const a = await startWitnessServer({ witness: witnessA, verifierKey: keyA });
  aUrl = a.url;
  cleanups.push(async () => {
    await a.close();
    storeA.close();
  });
  // Witness B: the CLI, in a child process the test can SIGKILL.
  const io = capture();
  expect(
    await main(
      ['witness', 'keygen', '--name', 'b.witness.test/w', '--out', join(dir, 'b.key')],
      io,
    ),
  ).toBe(0);
  keyB = io.out[0]!;
  const port = await freePort();
  bUrl = `http://127.0.0.1:${port}`;
  bArgs = ['--key', join(dir, 'b.key'), '--log-key', vkey, '--port', String(port), '--data', dataB];
  childB = await spawnWitness(bArgs);
  cleanups.push(() => {
    childB.kill('SIGKILL');
  });

  collector = new WitnessCollector({
    store: log.store,
    witnesses: [
      { verifierKey: keyA, url: a.url },
      { verifierKey: keyB, url: bUrl },
    ],
    timeoutMs: 10_000,
    onError: (m) => errors.push(m),
  });
  const app = createApp({
    store: log.store,
    verifierKey: vkey,
    checkpoint: () => collector.current(),
    health: { database: async () => ({ ok: true, detail: 'test' }) },
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  logUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  );
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function served(): Promise<string> {
  return (await fetch(`${logUrl}/log/checkpoint`)).text();
}

async function verify(...flags: string[]) {
  const io = capture();
  const code = await main(['verify', '--log', `${logUrl}/log`, '--key', vkey, ...flags], io);
  return { code, out: io.out.join('\n'), err: io.err.join('\n') };
}

function quorumError(note: string, quorum: number): string {
  try {
    openCosignedCheckpoint(note, vkey, { witnesses: [keyA, keyB], quorum });
    return 'OK';
  } catch (e) {
    return e instanceof VerifyError ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('a log and two witnesses', () => {
  it('cosigned checkpoints verify with quorum 2', async () => {
    await append(log, 300);
    await collector.step();
    const cp = openCosignedCheckpoint(await served(), vkey, {
      witnesses: [keyA, keyB],
      quorum: 2,
    });
    expect(cp.size).toBe(300);
    expect(cp.cosigners.map((c) => c.name)).toEqual(['a.witness.test/w', 'b.witness.test/w']);
    await append(log, 150);
    await collector.step();
    const state = join(dir, 'verify-state.json');
    for (const flags of [[], ['--state', state]]) {
      const r = await verify('--witness', keyA, '--witness', keyB, '--quorum', '2', ...flags);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('size       450');
      expect(r.out).toMatch(/witness {4}a\.witness\.test\/w cosigned at/);
      expect(r.out).toMatch(/witness {4}b\.witness\.test\/w cosigned at/);
    }
    // The verifier function the portal uses, over the same HTTP API.
    const result = await verifyLog({
      fetch: async (path) => {
        const r = await fetch(`${logUrl}/log/${path}`);
        return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
      },
      verifierKey: vkey,
      witnesses: { witnesses: [keyA, keyB], quorum: 2 },
    });
    expect(result.cosigners.map((c) => c.name)).toEqual(['a.witness.test/w', 'b.witness.test/w']);
    expect(errors).toEqual([]);
  });

  it('a checkpoint without the cosignatures fails with a clear reason', async () => {
    const r = await verify('--witness', keyA, '--witness', keyB, '--quorum', '2');
    expect(r.code).toBe(0);
    const bare = (await log.store.checkpoint())!.note;
    expect(quorumError(bare, 1)).toMatch(
      /^NO_QUORUM: checkpoint of size 450 has 0 valid witness cosignatures, 1 required: no cosignature by a\.witness\.test\/w; no cosignature by b\.witness\.test\/w$/,
    );
    const usage = await verify('--witness', keyA, '--quorum', '2');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('--quorum 2 needs at least 2 --witness keys');
  });

  it('a witness killed mid-run catches up', async () => {
    await killed(childB);
    await append(log, 100);
    await collector.step();
    expect(errors.some((e) => e.startsWith('witness b.witness.test/w'))).toBe(true);
    errors.length = 0;
    // The checkpoint is published with A's cosignature alone, without waiting on B.
    const note = await served();
    expect(quorumError(note, 2)).toMatch(/^NO_QUORUM: .*no cosignature by b\.witness\.test\/w/);
    expect(quorumError(note, 1)).toBe('OK');
    const r = await verify('--witness', keyA, '--witness', keyB, '--quorum', '2');
    expect(r.code).toBe(1);
    expect(r.err).toContain('[NO_QUORUM]');
    expect((await verify('--witness', keyA, '--witness', keyB, '--quorum', '1')).code).toBe(0);
    // B comes back with the state it had when killed (size 450) and is asked again.
    childB = await spawnWitness(bArgs);
    await collector.step(Date.now() + 60_000);
    expect(quorumError(await served(), 2)).toBe('OK');
    expect(errors).toEqual([]);
    const monitor = await fetch(`${bUrl}/${originHash(ORIGIN)}/checkpoint`);
    expect(openCosignedCheckpoint(await monitor.text(), vkey, { witnesses: [keyB] }).size).toBe(
      550,
    );
  });

  it('a forked log (a second history under the same key) is refused and fails quorum', async () => {
    const fork = await openLog();
    await append(fork, 200); // the same first 200 entries …
    await append(fork, 400, 'fork'); // … then another history, larger than the real one
    const forkCollector = new WitnessCollector({
      store: fork.store,
      witnesses: [
        { verifierKey: keyA, url: aUrl },
        { verifierKey: keyB, url: bUrl },
      ],
      timeoutMs: 10_000,
      onError: (m) => errors.push(m),
    });
    await forkCollector.step();
    const note = (await forkCollector.current())!;
    expect(openCosignedCheckpoint(note, vkey, { witnesses: [], quorum: 0 }).size).toBe(600);
    expect(quorumError(note, 1)).toMatch(/^NO_QUORUM: checkpoint of size 600 has 0 valid/);
    expect(errors).toEqual([
      expect.stringMatching(/^witness a\.witness\.test\/w .*HTTP 422/),
      expect.stringMatching(/^witness b\.witness\.test\/w .*HTTP 422/),
    ]);
    errors.length = 0;
    // Both keep the fork's signed checkpoint as evidence; their state is the real log's.
    expect(storeA.evidence(ORIGIN).map((e) => e.reason)).toEqual([
      expect.stringMatching(/^inconsistent/),
    ]);
    expect(readdirSync(join(dataB, 'evidence', originHash(ORIGIN)))).toHaveLength(1);
    expect(storeA.get(ORIGIN)?.size).toBe(550);
  });

  it('a rolled-back log is refused', async () => {
    const back = await openLog();
    await append(back, 320); // the real log's first 320 entries, nothing after
    const backCollector = new WitnessCollector({
      store: back.store,
      witnesses: [{ verifierKey: keyB, url: bUrl }],
      timeoutMs: 10_000,
      onError: (m) => errors.push(m),
    });
    await backCollector.step();
    expect(errors).toEqual([
      expect.stringMatching(/the witness has size 550, ahead of this checkpoint \(320\)/),
    ]);
    errors.length = 0;
    expect(quorumError((await backCollector.current())!, 1)).toMatch(/^NO_QUORUM/);
    expect(readdirSync(join(dataB, 'evidence', originHash(ORIGIN)))).toHaveLength(2);
    // The real log goes on being cosigned.
    await append(log, 10);
    await collector.step();
    expect(quorumError(await served(), 2)).toBe('OK');
    expect(errors).toEqual([]);
  });
});

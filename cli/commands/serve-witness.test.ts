// `saksi serve --witness VKEY=URL` end to end (issue #16): the real command in a
// child process (PGlite, or PostgreSQL with SAKSI_TEST_DB=postgres) sends its
// checkpoints to a witness, /log/checkpoint carries the witness's cosignature,
// and `saksi verify --witness … --quorum 1` accepts it. The witness starts after
// the log (it needs the log's key, which the log makes on first start): the log
// keeps asking until it answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignatureVerifierKeyOf, ed25519Signer } from '../../ledger/index.ts';
import { openCosignedCheckpoint, parseVerifierKey } from '../../ledger/verifier/index.ts';
import { type FreshDb, freshDb, TEST_DB_KIND } from '../../test/fresh-db.ts';
import { type RunningWitness, startWitnessServer } from '../../witness/server.ts';
import { WitnessStore } from '../../witness/state.ts';
import { Witness } from '../../witness/witness.ts';
import { main } from '../main.ts';

const BIN = resolve('bin/saksi.js');
const dir = mkdtempSync(join(tmpdir(), 'saksi-serve-witness-'));
const signer = ed25519Signer('e2e.witness.test/w', new Uint8Array(32).fill(21));
const wKey = cosignatureVerifierKeyOf(signer);
let fresh: FreshDb | undefined;
let proc: ChildProcess | undefined;
let witness: RunningWitness | undefined;
let store: WitnessStore | undefined;

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SAKSI_LOG_ORIGIN: 'e2e.witnessed.test/log' };
  delete env.DATABASE_URL;
  delete env.SAKSI_WITNESSES;
  if (TEST_DB_KIND === 'postgres') {
    fresh = await freshDb();
    await fresh.db.close();
    env.DATABASE_URL = fresh.url;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  proc = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--data', join(dir, 'log'), '--witness', `${wKey}=${url}`],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = await new Promise<{ url: string; key: string }>((done, fail) => {
    let out = '';
    let err = '';
    proc!.stderr!.on('data', (d) => {
      err += d;
    });
    proc!.stdout!.on('data', (d) => {
      out += d;
      const u = /listening on (\S+)/.exec(out)?.[1];
      const k = /log verifier key: (\S+)/.exec(out)?.[1];
      if (u && k) done({ url: u, key: k });
    });
    proc!.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out} ${err}`)));
  });
  store = WitnessStore.open(join(dir, 'witness'));
  witness = await startWitnessServer({
    witness: new Witness({ signer, logKeys: [parseVerifierKey(started.key)], store }),
    verifierKey: wKey,
    port,
  });
  logUrl = started.url;
  logKey = started.key;
});

let logUrl: string;
let logKey: string;

afterAll(async () => {
  if (proc && proc.exitCode === null)
    await new Promise<void>((r) => {
      proc!.once('exit', () => r());
      proc!.kill('SIGTERM');
    });
  await witness?.close();
  store?.close();
  if (fresh) await fresh.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('saksi serve --witness', () => {
  it('serves /log/checkpoint with the witness cosignature, which verify --witness accepts', async () => {
    // The log asks a missing witness again every 2 s: wait for its cosignature.
    let note = '';
    for (let i = 0; i < 150 && !note.includes('— e2e.witness.test/w '); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200));
      note = await (await fetch(`${logUrl}/log/checkpoint`)).text();
    }
    const cp = openCosignedCheckpoint(note, logKey, { witnesses: [wKey], quorum: 1 });
    expect(cp.cosigners.map((c) => c.name)).toEqual(['e2e.witness.test/w']);
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
    const code = await main(
      ['verify', '--log', `${logUrl}/log`, '--key', logKey, '--witness', wKey, '--quorum', '1'],
      io,
    );
    expect(code, out.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/witness {4}e2e\.witness\.test\/w cosigned at/);
  });
});

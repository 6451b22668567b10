/**
 * `saksi verify` against a real HTTP server on loopback (CONVENTIONS.md §11)
 * serving the tlog-go golden tiles (C2SP tlog-tiles) at sizes 300 and 600, with
 * checkpoints signed here: growth is accepted and saved, a shrink is refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ed25519Signer, signNote, verifierKeyOf } from '../../ledger/note-sign.ts';
import { formatCheckpointBody, fromBase64, utf8 } from '../../ledger/verifier/index.ts';
import { loadVector } from '../../test/vectors.ts';
import { verifyCommand } from './verify.ts';

const load = loadVector;
const golden = load('tlog-go/log.json');
const goldenNote = load('tlog-go/signed-note.json');
const ORIGIN = 'example.kpu.go.id/saksi/test-log';
const ROOT_300: string = golden.consistency.find(
  (c: { old_size: number }) => c.old_size === 300,
).old_root;
const ROOT_600: string = golden.roots.find(
  (r: { tree_size: number }) => r.tree_size === 600,
).root_hash;

const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(21));
const KEY = verifierKeyOf(signer);

type Files = Map<string, Uint8Array>;
let sizes: { 300: Files; 600: Files; golden600: Files };
let serving: Files = new Map();
let failPath: string | undefined;
let server: Server;
let logUrl: string;
let dir: string;

async function filesAt(size: 300 | 600, root: string, note?: string): Promise<Files> {
  const files: Files = new Map(
    (golden[`tiles_at_size_${size}`] as { path: string; data: string }[]).map((t) => [
      t.path,
      fromBase64(t.data),
    ]),
  );
  const checkpoint =
    note ??
    (await signNote(formatCheckpointBody({ origin: ORIGIN, size, rootHash: fromBase64(root) }), [
      signer,
    ]));
  files.set('checkpoint', utf8(checkpoint));
  files.set('key', utf8(`${KEY}\n`));
  return files;
}

beforeAll(async () => {
  sizes = {
    300: await filesAt(300, ROOT_300),
    600: await filesAt(600, ROOT_600),
    golden600: await filesAt(600, ROOT_600, goldenNote.cases[0].note),
  };
  server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/log\//, '');
    const body = serving.get(path);
    if (!req.url?.startsWith('/log/')) res.writeHead(404).end();
    else if (path === failPath) res.writeHead(500).end('boom');
    else if (!body) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  logUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log`;
  dir = mkdtempSync(join(tmpdir(), 'saksi-verify-'));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  failPath = undefined;
});

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await verifyCommand(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

describe('saksi verify', () => {
  it('verifies the golden size-600 checkpoint with the tlog-go log key', async () => {
    serving = sizes.golden600;
    const r = await run('--log', logUrl, '--key', goldenNote.log_verifier_key);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('size       600');
    expect(r.stdout).toContain(`root       ${ROOT_600}`);
    expect(r.stdout).toMatch(/entries +600/);
    expect(r.stdout).toMatch(/fetched +7 tiles and bundles, \d+ bytes in \d+\.\d\d s/);
  });

  it('with --state: accepts growth 300 → 600, saves it, then refuses a shrink to 300', async () => {
    const state = join(dir, 'growth.json');

    serving = sizes[300];
    const first = await run('--log', `${logUrl}/`, '--state', state);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/trusting key on first use/);
    expect(first.stderr).toContain(KEY);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(saved).toEqual({
      verifierKey: KEY,
      size: 300,
      rootHash: ROOT_300,
      checkpoint: new TextDecoder().decode(sizes[300].get('checkpoint')),
    });

    serving = sizes[600];
    const second = await run('--log', logUrl, '--state', state);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe(''); // the key is pinned now: no warning
    expect(second.stdout).toMatch(/growth +300 → 600/);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({
      size: 600,
      rootHash: ROOT_600,
    });

    const again = await run('--log', logUrl, '--state', state, '--key', KEY);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/growth +none/);

    serving = sizes[300];
    const shrunk = await run('--log', logUrl, '--state', state);
    expect(shrunk.code).toBe(1);
    expect(shrunk.stderr).toMatch(/FAILED: \[LOG_SHRANK\].*300.*600/);
    expect(shrunk.stderr).toMatch(/left unchanged/);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({
      size: 600,
      rootHash: ROOT_600,
    });
  });

  it('refuses a state file pinned to another key, or not valid', async () => {
    const state = join(dir, 'pinned.json');
    serving = sizes[300];
    expect((await run('--log', logUrl, '--state', state, '--key', KEY)).code).toBe(0);
    const other = verifierKeyOf(ed25519Signer(ORIGIN, new Uint8Array(32).fill(22)));
    const r = await run('--log', logUrl, '--state', state, '--key', other);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/differs from the key pinned/);

    const saved = JSON.parse(readFileSync(state, 'utf8'));
    for (const bad of [
      'not json',
      '[]',
      JSON.stringify({ ...saved, size: -1 }),
      JSON.stringify({ ...saved, size: 299 }),
      JSON.stringify({ ...saved, rootHash: ROOT_600 }),
      JSON.stringify({ ...saved, checkpoint: 'forged\n' }),
    ]) {
      writeFileSync(state, bad);
      const out = await run('--log', logUrl, '--state', state);
      expect(out.code, bad).toBe(1);
      expect(out.stderr).toMatch(/state file .* is not valid/);
      expect(readFileSync(state, 'utf8')).toBe(bad);
    }
  });

  it('reports a tampered tile, a missing tile and a server error precisely', async () => {
    const tampered: Files = new Map(sizes[600]);
    const tile = tampered.get('tile/0/001')!.slice();
    tile[100]! ^= 1;
    tampered.set('tile/0/001', tile);
    serving = tampered;
    let r = await run('--log', logUrl, '--key', KEY);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED: \[ROOT_MISMATCH\]/);

    const missing: Files = new Map(sizes[600]);
    missing.delete('tile/entries/002.p/88');
    serving = missing;
    r = await run('--log', logUrl, '--key', KEY);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED: \[FETCH_FAILED\] tile\/entries\/002\.p\/88 is missing/);

    serving = sizes[600];
    failPath = 'tile/1/000.p/2';
    r = await run('--log', logUrl, '--key', KEY);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FETCH_FAILED.*HTTP 500/);
  });

  it('refuses a checkpoint signed by another key', async () => {
    serving = sizes[600];
    const r = await run('--log', logUrl, '--key', goldenNote.log_verifier_key);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/UNVERIFIED_NOTE/);
  });

  it('reports an unreachable log', async () => {
    const r = await run('--log', 'http://127.0.0.1:9/log', '--key', KEY);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FETCH_FAILED/);
  });

  it.each([
    [[]],
    [['--key', KEY]],
    [['--log']],
    [['--log', 'not a url']],
    [['--log', 'ftp://example.org/log']],
    [['--log', 'http://example.org/log?x=1']],
    [['--log', 'http://example.org/log', 'extra']],
    [['--log', 'http://example.org/log', '--bogus', 'x']],
    [['--log', 'http://example.org/log', '--key', 'not-a-key']],
    [['--log', 'http://example.org/log', '--key', KEY.replace(/\+[0-9a-f]{8}\+/, '+00000000+')]],
  ])('exits 2 with usage for %j', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: saksi verify --log URL\/log/);
  });

  it('prints usage for --help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: saksi verify/);
  });
});

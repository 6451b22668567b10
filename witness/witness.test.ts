/**
 * The witness over HTTP (app.request, no socket): every answer of C2SP
 * tlog-witness "add-checkpoint", durable state across a reopen, evidence kept
 * for forks and roll-backs, the per-log atomic check-and-persist, the rate
 * limit and the monitoring endpoint. The log is an in-memory RFC 9162 tree
 * signed with a real key (test/memory-log.ts); cosignatures are checked with
 * the browser-safe verifier.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cosignatureVerifierKeyOf, ed25519Signer } from '../ledger/index.ts';
import { openCosignedCheckpoint, parseVerifierKey } from '../ledger/verifier/index.ts';
import { MemoryLog } from '../test/memory-log.ts';
import { generateWitnessKey, loadWitnessKey } from './keys.ts';
import { formatAddCheckpoint, parseSize, TLOG_SIZE_CONTENT_TYPE } from './protocol.ts';
import { witnessApp } from './server.ts';
import { originHash, StateError, WitnessStore } from './state.ts';
import { Witness } from './witness.ts';

const W_NAME = 'witness.test/w1';
const wSigner = ed25519Signer(W_NAME, new Uint8Array(32).fill(7));
const wKey = cosignatureVerifierKeyOf(wSigner);

let dir: string;
let store: WitnessStore;
let log: MemoryLog;
let app: ReturnType<typeof witnessApp>;
let now = 1_700_000_000;

function open(rate = 1000) {
  store = WitnessStore.open(dir);
  const witness = new Witness({
    signer: wSigner,
    logKeys: [parseVerifierKey(log.vkey)],
    store,
    now: () => now,
  });
  app = witnessApp({ witness, verifierKey: wKey, ratePerSecond: rate });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'saksi-witness-'));
  log = new MemoryLog('log.test/log', 1);
  open();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function add(oldSize: number, note: string, proof: Uint8Array[] = []) {
  const r = await app.request('/add-checkpoint', {
    method: 'POST',
    body: formatAddCheckpoint({ oldSize, proof, checkpoint: note }),
  });
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
}

/** Submits the log's current checkpoint from `from` with a real proof. */
async function grow(from: number, l = log) {
  return add(from, await l.checkpoint(), await l.proof(from));
}

describe('add-checkpoint', () => {
  it('cosigns a first checkpoint and then each consistent one', async () => {
    log.append(5);
    const first = await grow(0);
    expect(first.status).toBe(200);
    expect(first.body).toMatch(/^— witness\.test\/w1 [A-Za-z0-9+/=]+\n$/);
    const cp = openCosignedCheckpoint(`${await log.checkpoint()}${first.body}`, log.vkey, {
      witnesses: [wKey],
      quorum: 1,
    });
    expect(cp.cosigners[0]!.timestamp).toBe(now);
    for (const n of [1, 250, 7, 1024]) {
      const from = log.size;
      log.append(n);
      now++;
      expect((await grow(from)).status).toBe(200);
    }
    expect(store.get(log.origin)?.size).toBe(log.size);
    // The same checkpoint again is cosigned again (a log that lost our answer).
    expect((await add(log.size, await log.checkpoint())).status).toBe(200);
  });

  it('answers 409 with its size when the old size is not its own', async () => {
    log.append(10);
    await grow(0);
    log.append(3);
    const r = await grow(0);
    expect(r.status).toBe(409);
    expect(r.type).toBe(TLOG_SIZE_CONTENT_TYPE);
    expect(parseSize(r.body)).toBe(10);
    expect((await grow(parseSize(r.body))).status).toBe(200);
  });

  it('answers 404 for an unknown origin, 403 without the log signature, 400 for malformed', async () => {
    log.append(3);
    const other = new MemoryLog('other.test/log', 2).append(3);
    expect((await grow(0, other)).status).toBe(404);
    const impostor = ed25519Signer(log.origin, new Uint8Array(32).fill(9));
    expect((await add(0, await log.checkpoint(3, impostor))).status).toBe(403);
    // A known key's signature that does not verify: also 403 (signed-note).
    const forged = (await log.checkpoint()).replace(/\n3\n/, '\n2\n');
    expect((await add(0, forged)).status).toBe(403);
    expect((await add(5, await log.checkpoint())).status).toBe(400); // old > size
    for (const body of [
      '',
      'old 01\n\nx\n',
      'old 0\nnot-base64\n\n',
      `old 0\n${'A'.repeat(44)}\n\n`,
    ]) {
      const r = await app.request('/add-checkpoint', { method: 'POST', body });
      expect(r.status, body).toBe(400);
    }
    const big = await app.request('/add-checkpoint', { method: 'POST', body: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
    // A body of unknown length is counted as it streams.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(10_000).fill(0x41));
        c.close();
      },
    });
    const chunked = await app.request('/add-checkpoint', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(store.get(log.origin)).toBeUndefined();
  });

  it('refuses a bad proof (422) and keeps the signed checkpoint as evidence', async () => {
    log.append(8);
    await grow(0);
    log.append(8);
    const proof = await log.proof(8);
    proof[0] = new Uint8Array(32).fill(1);
    expect((await add(8, await log.checkpoint(), proof)).status).toBe(422);
    expect((await add(8, await log.checkpoint(), [])).status).toBe(422);
    expect(store.get(log.origin)?.size).toBe(8);
    expect(store.evidence(log.origin).map((e) => e.reason)).toEqual([
      expect.stringMatching(/^inconsistent/),
      expect.stringMatching(/^inconsistent/),
    ]);
  });

  it('refuses a fork: a second history under the same key', async () => {
    log.append(20);
    await grow(0);
    const fork = new MemoryLog(log.origin, 1).append(20, 'b');
    // Same size, another root, whatever old size it claims.
    expect((await grow(20, fork)).status).toBe(422);
    fork.append(5, 'b');
    // The fork learns our size and tries to prove consistency from it: it cannot.
    const r = await grow(0, fork);
    expect(r.status).toBe(409);
    expect((await grow(parseSize(r.body), fork)).status).toBe(422);
    expect(store.evidence(log.origin).map((e) => e.reason.split(':')[0])).toEqual([
      'fork',
      'inconsistent',
    ]);
    expect(store.get(log.origin)?.size).toBe(20);
  });

  it('refuses a roll-back and keeps it as evidence', async () => {
    log.append(30);
    await grow(0);
    const r = await add(0, await log.checkpoint(12));
    expect(r.status).toBe(409);
    expect(parseSize(r.body)).toBe(30);
    expect(store.evidence(log.origin)[0]?.reason).toMatch(/^rollback/);
  });

  it('an empty tree must have the empty root (422)', async () => {
    expect((await add(0, await log.checkpoint(0))).status).toBe(200);
    const bad = (await log.checkpoint(0)).replace(/\n0\n[^\n]+\n/, `\n0\n${'A'.repeat(43)}=\n`);
    // Re-signed with the log key so only the root is wrong.
    const { signNote } = await import('../ledger/index.ts');
    const body = bad.slice(0, bad.indexOf('\n\n') + 1);
    expect((await add(0, await signNote(body, [log.signer]))).status).toBe(422);
  });

  it('checks and persists atomically: of two racing requests from one size, one wins', async () => {
    log.append(4);
    await grow(0);
    const a = new MemoryLog(log.origin, 1);
    a.leaves.push(...log.leaves);
    a.append(4);
    log.append(9);
    const [ra, rb] = await Promise.all([grow(4, a), grow(4)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
  });
});

describe('state', () => {
  it('survives a restart, and a corrupt state file stops the witness', async () => {
    log.append(17);
    await grow(0);
    store.close();
    now -= 1000; // the clock went back while it was down
    open();
    expect(store.get(log.origin)?.size).toBe(17);
    expect((await grow(0)).status).toBe(409);
    const again = await add(17, await log.checkpoint());
    const cp = openCosignedCheckpoint(`${await log.checkpoint()}${again.body}`, log.vkey, {
      witnesses: [wKey],
      quorum: 1,
    });
    expect(cp.cosigners[0]!.timestamp).toBe(now + 1000);
    now += 1000;
    store.close();
    const file = join(dir, 'logs', `${originHash(log.origin)}.json`);
    writeFileSync(file, '{"origin":');
    expect(() => WitnessStore.open(dir)).toThrow(StateError);
    rmSync(file);
    open();
  });

  it('a state the log key does not vouch for stops the witness', async () => {
    log.append(3);
    await grow(0);
    const st = store.get(log.origin)!;
    store.put({ ...st, size: 4 });
    store.close();
    const s = WitnessStore.open(dir);
    expect(
      () => new Witness({ signer: wSigner, logKeys: [parseVerifierKey(log.vkey)], store: s }),
    ).toThrow(StateError);
    s.close();
    rmSync(join(dir, 'logs'), { recursive: true });
    open();
  });

  it('one witness per data directory; leftovers of a crash are cleaned', () => {
    expect(() => WitnessStore.open(dir)).toThrow(/another witness|one witness/);
    store.close();
    writeFileSync(join(dir, 'logs', 'x.json.tmp-1-abcd'), 'partial');
    writeFileSync(join(dir, 'witness.lock'), '999999999\n'); // a pid that is not running
    open();
    expect(readdirSync(join(dir, 'logs'))).toEqual([]);
  });
});

describe('HTTP extras', () => {
  it('rate-limits add-checkpoint per client (429 with Retry-After)', async () => {
    store.close();
    open(1);
    log.append(1);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await add(log.size, await log.checkpoint())).status);
    expect(codes).toContain(429);
  });

  it('serves the latest cosigned checkpoint to monitors', async () => {
    expect((await app.request(`/${originHash(log.origin)}/checkpoint`)).status).toBe(404);
    log.append(9);
    await grow(0);
    const r = await app.request(`/${originHash(log.origin)}/checkpoint`);
    expect(r.status).toBe(200);
    const cp = openCosignedCheckpoint(await r.text(), log.vkey, { witnesses: [wKey], quorum: 1 });
    expect(cp.size).toBe(9);
    expect(await (await app.request('/')).text()).toContain(wKey);
    expect((await app.request('/add-checkpoint')).status).toBe(404);
  });
});

describe('key file', () => {
  it('keygen writes a 0600 sumdb-format key that loads to the same verifier key', () => {
    const file = join(dir, 'w.key');
    const vkey = generateWitnessKey('bawaslu.example/witness', file);
    expect(vkey).toMatch(/^bawaslu\.example\/witness\+[0-9a-f]{8}\+B/);
    expect(cosignatureVerifierKeyOf(loadWitnessKey(file))).toBe(vkey);
    expect(() => generateWitnessKey('bawaslu.example/witness', file)).toThrow(/exists/);
    expect(() => generateWitnessKey('bad name', join(dir, 'x'))).toThrow(/invalid/);
    writeFileSync(join(dir, 'bad.key'), 'PRIVATE+KEY+x+00000000+AQ==\n');
    expect(() => loadWitnessKey(join(dir, 'bad.key'))).toThrow();
  });
});

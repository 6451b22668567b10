/**
 * `saksi verify --state` across a log-key rotation (issue #10), against the whole
 * API served on loopback over a real database (PGlite, or PostgreSQL with
 * SAKSI_TEST_DB=postgres): a state pinned to the old key follows the hand-over
 * announced in the log under the old key — right after the rotation, from the
 * dual-signed checkpoint served, and later, from the one kept in the log — and
 * keeps checking consistency; forged rotations are refused with their reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordActivations } from '../../api/platform/activation.ts';
import type { RotatingKeyService } from '../../keys/index.ts';
import { ed25519Signer, signNote, verifierKeyOf } from '../../ledger/note-sign.ts';
import { openCheckpoint, parseCheckpointBody, parseNote } from '../../ledger/verifier/index.ts';
import { type PlatformApp, platformApp } from '../../test/platform-app.ts';
import { verifyCommand } from './verify.ts';

let p: PlatformApp;
let server: ServerType;
let base: string;
let dir: string;
/** When set, GET /log/checkpoint answers this note instead of the log's. */
let forgedCheckpoint: string | undefined;

beforeAll(async () => {
  p = await platformApp();
  server = serve({
    fetch: (req) =>
      forgedCheckpoint !== undefined && new URL(req.url).pathname === '/log/checkpoint'
        ? new Response(forgedCheckpoint)
        : p.app.fetch(req),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'saksi-handover-'));
}, 180_000); // the whole platform starts in well under a minute, but not on a loaded machine

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await p.close();
  rmSync(dir, { recursive: true, force: true });
});

async function verify(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await verifyCommand(['--log', `${base}/log`, ...args], {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

const state = (name: string) => join(dir, name);
const saved = (name: string) =>
  JSON.parse(readFileSync(state(name), 'utf8')) as {
    verifierKey: string;
    size: number;
    checkpointKey?: string;
    previousKeys?: string[];
  };
const latest = async () => (await p.app.request('/log/checkpoint')).text();

/** A ledgered write (a new demo officer), then the checkpoint that covers it. */
let officers = 0;
async function grow(key: string): Promise<string> {
  const before = parseCheckpointBody(parseNote(await latest()).text).size;
  await p.token('KPPS', `31710110010${String(20 + officers++).padStart(2, '0')}`);
  for (let i = 0; i < 400; i++) {
    const note = await latest();
    const cp = (() => {
      try {
        return openCheckpoint(note, key);
      } catch {
        return null; // not yet signed by `key`
      }
    })();
    if (cp && cp.size > before) return note;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the log did not grow');
}

async function rotateLogKey(): Promise<string> {
  const r = await p.app.request('/v1/keys/rotate', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${await p.token('ADMIN')}`,
    },
    body: JSON.stringify({ label: 'log' }),
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { verifierKey: string }).verifierKey;
}

describe('saksi verify --state follows a log-key hand-over', () => {
  it('passes at once after a rotation with the old pinned key, moves the pin, and keeps checking consistency', async () => {
    const oldKey = p.rt.verifierKey;
    // Two auditors pinned to the old key: one verifies right after the rotation,
    // the other only after the log has moved on under the new key alone.
    for (const name of ['soon.json', 'late.json']) {
      const first = await verify('--key', oldKey, '--state', state(name));
      expect(first.code, first.stderr).toBe(0);
    }
    const pinnedSize = saved('soon.json').size;
    const newKey = await rotateLogKey();

    const soon = await verify('--state', state('soon.json'));
    expect(soon.code, soon.stderr).toBe(0);
    expect(soon.stdout).toContain(`hand-over  ${oldKey}`);
    expect(soon.stdout).toContain(`→  ${newKey}`);
    expect(soon.stdout).toMatch(/signed by the old key and the new/);
    expect(soon.stdout).toMatch(new RegExp(`growth +${pinnedSize} → \\d+`));
    expect(saved('soon.json')).toMatchObject({ verifierKey: newKey, previousKeys: [oldKey] });
    expect(saved('soon.json').checkpointKey).toBeUndefined();

    // The log moves on: its checkpoints are now signed by the new key alone.
    const next = await grow(newKey);
    expect(() => openCheckpoint(next, oldKey)).toThrow(/not signed by any known key/);
    const late = await verify('--state', state('late.json'));
    expect(late.code, late.stderr).toBe(0);
    expect(late.stdout).toContain(`→  ${newKey}`);
    const coveredBy = Number(/covered by the checkpoint of size (\d+)/.exec(late.stdout)?.[1]);
    expect(coveredBy).toBeLessThan(openCheckpoint(next, newKey).size);
    expect(saved('late.json')).toMatchObject({ verifierKey: newKey, previousKeys: [oldKey] });

    // Pinned to the new key now: growth verifies as before; a script that still
    // passes the old --key is told the pin moved, in signed history.
    await grow(newKey);
    const again = await verify('--key', oldKey, '--state', state('soon.json'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/--key was handed over/);
    expect(again.stdout).not.toContain('hand-over');
    expect(again.stdout).toContain(`key        ${newKey}`);
    // A fresh auditor given the new key verifies at once too.
    expect((await verify('--key', newKey)).code).toBe(0);
  });

  it('follows two hand-overs made between two runs, in order', async () => {
    const first = p.rt.verifierKey;
    expect((await verify('--state', state('twice.json'), '--key', first)).code).toBe(0);
    const second = await rotateLogKey();
    await grow(second);
    const third = await rotateLogKey();
    await grow(third);
    const r = await verify('--state', state('twice.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/hand-over /g)).toHaveLength(2);
    expect(r.stdout.indexOf(`→  ${second}`)).toBeLessThan(r.stdout.indexOf(`→  ${third}`));
    expect(saved('twice.json')).toMatchObject({
      verifierKey: third,
      previousKeys: [first, second],
    });
  });

  it('refuses a checkpoint signed only by a key the log never handed over to', async () => {
    const key = p.rt.verifierKey;
    expect((await verify('--state', state('forged.json'), '--key', key)).code).toBe(0);
    await grow(key);
    const stranger = ed25519Signer(parseNote(await latest()).signatures[0]!.name, randomBytes(32));
    forgedCheckpoint = await signNote(parseNote(await latest()).text, [stranger]);
    try {
      const r = await verify('--state', state('forged.json'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/FAILED: \[UNVERIFIED_NOTE\] the log's checkpoint is not signed by/);
      expect(r.stderr).toMatch(/announces no hand-over to the key that signed it/);
      expect(r.stderr).toMatch(/left unchanged/);
      expect(saved('forged.json').verifierKey).toBe(key);
      // Without a state to follow from, the same checkpoint is plainly unsigned.
      const plain = await verify('--key', key);
      expect(plain.stderr).toMatch(/UNVERIFIED_NOTE/);
      expect(verifierKeyOf(stranger)).not.toBe(key);
    } finally {
      forgedCheckpoint = undefined;
    }
  });

  it('refuses a rotation announced in the log but not under the pinned key (no hand-over)', async () => {
    const oldKey = p.rt.verifierKey;
    expect((await verify('--state', state('outside.json'), '--key', oldKey)).code).toBe(0);
    // A rotation made outside the hand-over (as a restart after `vault write
    // …/rotate` would): the new key signs alone, then announces itself.
    const keys = p.rt.keys as RotatingKeyService;
    await keys.rotate('log');
    const next = await keys.signer('log', p.rt.config.origin);
    p.rt.sequencer.setSigner(next);
    const newKey = verifierKeyOf(next);
    await recordActivations(p.rt.db, [
      {
        subject: 'key:log',
        kind: 'system.key.activated',
        payload: { label: 'log', verifierKey: newKey },
      },
    ]);
    p.rt.sequencer.poke();
    await grow(newKey);
    const r = await verify('--state', state('outside.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /FAILED: \[KEY_HANDOVER\] entry \d+ announces the log key .* but no checkpoint signed by .* covers it/,
    );
    expect(saved('outside.json').verifierKey).toBe(oldKey);
  });
});

// Key rotation and retirement over HTTP in-process (issue #10): a retired token
// version authenticates nothing, the retirement is a log entry, only ADMIN may
// retire (Cedar), the current version cannot be retired; the log key is handed
// over in a checkpoint signed by the old key and the new.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotatingKeyService } from '../../keys/index.ts';
import { Sequencer } from '../../ledger/index.ts';
import { openCheckpoint, openNote, parseVerifierKey } from '../../ledger/verifier/index.ts';
import { type PlatformApp, platformApp } from '../../test/platform-app.ts';

let p: PlatformApp;
// The whole platform starts in well under a minute, but not on a loaded 2-core machine.
const SETUP_MS = 180_000;
beforeAll(async () => {
  p = await platformApp();
}, SETUP_MS);
afterAll(async () => {
  await p.close();
});

const post = (path: string, token: string, body: unknown) =>
  p.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
const me = (token: string) =>
  p.app.request('/v1/officers/me', { headers: { Authorization: `Bearer ${token}` } });
const keys = () => p.rt.keys as RotatingKeyService;

/** What a refused request must leave alone: the key's versions and the log's entries. */
async function snapshot() {
  const [{ n }] = (await p.fresh.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM ledger_pending',
  )) as [{ n: number }];
  return { versions: await keys().versions('token'), pending: n };
}

async function entry(index: number) {
  const r = await p.app.request(`/v1/ledger/entries/${index}`);
  return ((await r.json()) as { entry: Record<string, unknown> }).entry;
}

describe('retiring token-key versions', () => {
  it('a token of a retired version gets 401; the retirement is a log entry', async () => {
    const oldAdmin = await p.token('ADMIN');
    const oldKpps = await p.token('KPPS');
    expect((await me(oldKpps)).status).toBe(200); // verified once, now cached
    const rotated = await post('/v1/keys/rotate', oldAdmin, { label: 'token' });
    expect(rotated.status).toBe(200);
    const { version } = (await rotated.json()) as { version: number };
    const admin = await p.token('ADMIN');
    const r = await post('/v1/keys/retire', admin, { label: 'token', version: version - 1 });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { current: number; retiredThrough: number; index: number };
    expect(body).toMatchObject({ label: 'token', current: version, retiredThrough: version - 1 });

    const refused = await me(oldKpps);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect((await me(oldAdmin)).status).toBe(401);
    expect((await me(await p.token('KPPS'))).status).toBe(200);

    const logged = await entry(body.index);
    expect(logged).toMatchObject({
      kind: 'system.key.retired',
      subject: 'key:token:retired',
      payload: { label: 'token', retiredThrough: version - 1 },
    });
    const kids = (logged.payload as { keys: { version: number; kid: string }[] }).keys;
    expect(kids.map((k) => k.version)).toEqual(
      Array.from({ length: version - 1 }, (_, i) => i + 1),
    );
    const [header] = oldKpps.split('.');
    const { kid } = JSON.parse(Buffer.from(header!, 'base64url').toString()) as { kid: string };
    expect(kids.map((k) => k.kid)).toContain(kid);
  });

  it('a non-ADMIN gets 403 and changes nothing', async () => {
    await keys().rotate('token');
    const before = await snapshot();
    for (const role of ['KPPS', 'KPU_RI', 'AUDITOR']) {
      const r = await post('/v1/keys/retire', await p.token(role), {
        label: 'token',
        version: before.versions.current - 1,
      });
      expect(r.status, role).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses the current version, an unknown or retired one, and bad bodies, changing nothing', async () => {
    const admin = await p.token('ADMIN');
    const before = await snapshot();
    const { current, retiredThrough } = before.versions;
    const cases: [unknown, number, string][] = [
      [{ label: 'token', version: current }, 409, 'KEY_VERSION_CURRENT'],
      [{ label: 'token', version: current + 1 }, 404, 'UNKNOWN_KEY_VERSION'],
      [{ label: 'token', version: retiredThrough }, 409, 'KEY_VERSION_RETIRED'],
      [{ label: 'log', version: 1 }, 400, 'VALIDATION'],
      [{ label: 'token', version: 0 }, 400, 'VALIDATION'],
      [{ label: 'token', version: '1' }, 400, 'VALIDATION'],
      [{ label: 'token' }, 400, 'VALIDATION'],
    ];
    for (const [body, status, code] of cases) {
      const r = await post('/v1/keys/retire', admin, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      const error = ((await r.json()) as { error: { code: string; message: string } }).error;
      if (status !== 400) expect(error.code).toBe(code);
      if (code === 'KEY_VERSION_CURRENT') expect(error.message).toMatch(/rotate first/);
    }
    expect(await snapshot()).toEqual(before);
    expect((await me(admin)).status).toBe(200);
  });
});

describe('rotating the log key', () => {
  it('is refused (503, nothing rotated) on a node that does not sign checkpoints', async () => {
    // A `serve --workers` sibling: its sequencer waits for the lock another node holds.
    const leader = p.rt.sequencer;
    p.rt.sequencer = new Sequencer(p.fresh.db, p.rt.logSigner, { origin: p.rt.config.origin });
    try {
      const before = await keys().versions('log');
      const r = await post('/v1/keys/rotate', await p.token('ADMIN'), { label: 'log' });
      expect(r.status).toBe(503);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('NOT_SEQUENCER');
      expect(await keys().versions('log')).toEqual(before);
    } finally {
      p.rt.sequencer = leader;
    }
  });

  it('hands over in a checkpoint signed by both keys, announced and kept in the log', async () => {
    const oldKey = p.rt.verifierKey;
    const r = await post('/v1/keys/rotate', await p.token('ADMIN'), { label: 'log' });
    expect(r.status).toBe(200);
    const { verifierKey, index, handOverIndex } = (await r.json()) as {
      verifierKey: string;
      index: number;
      handOverIndex: number;
    };
    expect(verifierKey).not.toBe(oldKey);
    expect((await (await p.app.request('/log/key')).text()).trim()).toBe(verifierKey);
    // The latest checkpoint verifies at once with either key: both signed it.
    const latest = await (await p.app.request('/log/checkpoint')).text();
    expect(openCheckpoint(latest, oldKey).size).toBeGreaterThan(handOverIndex);
    expect(openCheckpoint(latest, verifierKey).size).toBeGreaterThan(handOverIndex);
    const both = openNote(latest, [parseVerifierKey(oldKey), parseVerifierKey(verifierKey)]);
    expect(both.signatures.filter((s) => s.verified)).toHaveLength(2);

    expect(await entry(index)).toMatchObject({
      kind: 'system.key.activated',
      subject: 'key:log',
      payload: { label: 'log', verifierKey },
      // Not the start-up text: this version was made by the rotation.
      reason: 'the log key was rotated through the API',
    });
    const handOver = await entry(handOverIndex);
    expect(handOver).toMatchObject({
      kind: 'system.key.handed_over',
      subject: 'key:log:handover',
      payload: { label: 'log', from: oldKey, to: verifierKey, announcedAt: index },
    });
    const evidence = (handOver.payload as { checkpoint: string }).checkpoint;
    expect(openCheckpoint(evidence, oldKey).size).toBeGreaterThan(index);
    expect(openCheckpoint(evidence, verifierKey).size).toBeGreaterThan(index);

    // Later checkpoints are signed by the new key alone.
    const signedAt = openCheckpoint(latest, verifierKey).size;
    await p.token('KPPS', '3171011001009'); // a new demo officer: a ledgered write
    let next = latest;
    for (let i = 0; i < 200 && openCheckpoint(next, verifierKey).size === signedAt; i++) {
      await new Promise((res) => setTimeout(res, 25));
      next = await (await p.app.request('/log/checkpoint')).text();
    }
    expect(openCheckpoint(next, verifierKey).size).toBeGreaterThan(signedAt);
    expect(() => openCheckpoint(next, oldKey)).toThrow(/not signed by any known key/);
  });
});

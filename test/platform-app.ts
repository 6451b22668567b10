/**
 * The whole API in-process for HTTP tests (app.request()): a fresh database, a
 * local keystore in a temporary directory, the real policy engine, identity,
 * write path and sequencer — the same wiring as `saksi serve` (api/platform/open.ts)
 * minus the TCP listener.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createApp } from '../api/app.ts';
import { loadConfig } from '../api/config.ts';
import { deviceSubject, enrolmentMessage } from '../api/domains/devices/index.ts';
import { openPlatform, type Platform } from '../api/platform/open.ts';
import type { Runtime } from '../api/runtime.ts';
import { openLocalKeystore } from '../keys/index.ts';
import { LedgerStore, Sequencer, verifierKeyOf } from '../ledger/index.ts';
import type { PolicyEngine } from '../policies/index.ts';
import { type FreshDb, freshDb } from './fresh-db.ts';

export interface TestDevice {
  privateKey: KeyObject;
  keyB64: string;
}

export interface PlatformApp {
  app: ReturnType<typeof createApp>;
  rt: Runtime;
  platform: Platform;
  fresh: FreshDb;
  /** A bearer token for the demo officer of `role` (and area). */
  token(role: string, area?: string): Promise<string>;
  /** Enrols a new device for the officer holding `token`. */
  enrolDevice(token: string, officerId: string): Promise<TestDevice>;
  close(): Promise<void>;
}

export function newDevice(): TestDevice {
  const pair = generateKeyPairSync('ed25519');
  const keyB64 = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString(
    'base64',
  );
  return { privateKey: pair.privateKey, keyB64 };
}

/**
 * `engine`: the policy engine to use instead of loading one (a test may wrap the real one).
 * `logger`: where the platform logs (default: nowhere); a test may capture it.
 */
export async function platformApp(
  options: { engine?: PolicyEngine; logger?: Logger } = {},
): Promise<PlatformApp> {
  const fresh = await freshDb();
  const dir = mkdtempSync(join(tmpdir(), 'saksi-app-'));
  const config = loadConfig({ dataDir: dir, origin: 'app.test/log', demo: true });
  const keys = await openLocalKeystore({ dir });
  const logSigner = await keys.signer('log', config.origin);
  const store = new LedgerStore(fresh.db);
  const sequencer = new Sequencer(fresh.db, logSigner, {
    origin: config.origin,
    intervalMs: 10,
    onCheckpoint: (c) => store.observe({ size: c.size, root: c.root, note: c.note }),
  });
  await sequencer.acquire();
  sequencer.start();
  const rt: Runtime = {
    config,
    db: fresh.db,
    keys,
    logSigner,
    verifierKey: verifierKeyOf(logSigner),
    store,
    sequencer,
    close: async () => undefined,
  };
  const { pino } = await import('pino');
  const platform = await openPlatform(rt, options.logger ?? pino({ level: 'silent' }), {
    engine: options.engine,
  });
  const app = createApp({
    platform: platform.deps,
    store,
    verifierKey: () => rt.verifierKey,
    health: { database: async () => ({ ok: true, detail: fresh.db.kind }) },
  });
  const json = { 'Content-Type': 'application/json' };
  return {
    app,
    rt,
    platform,
    fresh,
    async token(role, area) {
      const r = await app.request('/v1/demo/token', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ role, ...(area ? { area } : {}) }),
      });
      if (r.status !== 200) throw new Error(`demo token ${role}: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { token: string }).token;
    },
    async enrolDevice(token, officerId) {
      const d = newDevice();
      const proof = sign(null, enrolmentMessage(officerId, d.keyB64), d.privateKey).toString(
        'base64',
      );
      const r = await app.request('/v1/devices', {
        method: 'POST',
        headers: { ...json, Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          subject: deviceSubject(d.keyB64),
          seq: 1,
          payload: { officer: officerId, key: d.keyB64, label: 'test', proof },
        }),
      });
      if (r.status !== 201) throw new Error(`enrol: ${r.status} ${await r.text()}`);
      return d;
    },
    async close() {
      await sequencer.stop();
      await fresh.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

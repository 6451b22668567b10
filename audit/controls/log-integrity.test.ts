/**
 * Control 1 against a real server with a seeded log: it passes on the honest
 * log, and fails with the exact finding for a wrong key, a log that shrank
 * (rolled back) or forked since the auditor's saved state, and an entry bundle
 * altered in transit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519Signer, verifierKeyOf } from '../../ledger/index.ts';
import { fromBase64, toBase64 } from '../../ledger/verifier/index.ts';
import { type AuditedServer, auditedServer } from '../testing.ts';
import { logIntegrity } from './log-integrity.ts';

/** A key of the same name that did not sign the log. */
const OTHER_KEY = verifierKeyOf(ed25519Signer('audit.test/log', new Uint8Array(32).fill(3)));

let s: AuditedServer;
beforeAll(async () => {
  s = await auditedServer({ tps: 1 });
}, 180_000);
afterAll(async () => s?.close());

describe('control 1, log integrity', () => {
  it('passes on the honest log, the independent root equal to the signed one', async () => {
    const ctx = await s.context();
    const out = await logIntegrity.run(ctx);
    expect(out.status, out.summary).toBe('pass');
    expect(out.evidence.size).toBeGreaterThan(10);
    expect(out.evidence.independentRoot).toBe(out.evidence.rootHash);
    expect(ctx.published?.size).toBe(out.evidence.size);
    expect(out.evidence.keyTrustedOnFirstUse).toBe(false);
  });

  it('trusts the served key on first use only when none is pinned, and says so', async () => {
    const ctx = await s.context();
    delete ctx.verifierKey;
    const out = await logIntegrity.run(ctx);
    expect(out.status).toBe('pass');
    expect(out.evidence.keyTrustedOnFirstUse).toBe(true);
  });

  it('fails when the checkpoint is not signed by the pinned key', async () => {
    const ctx = await s.context({ verifierKey: OTHER_KEY });
    const out = await logIntegrity.run(ctx);
    expect(out.status).toBe('fail');
    expect(out.findings[0]?.record).toBe('log');
    expect(out.findings[0]?.code).toBe('UNVERIFIED_NOTE');
  });

  it('fails LOG_SHRANK when the log is smaller than the saved state (rolled back)', async () => {
    const honest = await logIntegrity.run(await s.context());
    const size = honest.evidence.size as number;
    const ctx = await s.context({
      previous: { size: size + 5, rootHash: new Uint8Array(32).fill(7) },
    });
    const out = await logIntegrity.run(ctx);
    expect(out.status).toBe('fail');
    expect(out.findings.map((f) => f.code)).toEqual(['LOG_SHRANK']);
  });

  it('fails INCONSISTENT_LOG when the saved state is not a prefix (a fork)', async () => {
    const ctx = await s.context({ previous: { size: 3, rootHash: new Uint8Array(32).fill(9) } });
    const out = await logIntegrity.run(ctx);
    expect(out.status).toBe('fail');
    expect(out.findings.map((f) => f.code)).toEqual(['INCONSISTENT_LOG']);
  });

  it('passes with the saved state of an earlier honest run (the log only grew)', async () => {
    const honest = await logIntegrity.run(await s.context());
    const ctx = await s.context({
      previous: {
        size: honest.evidence.size as number,
        rootHash: fromBase64(honest.evidence.rootHash as string),
      },
    });
    const out = await logIntegrity.run(ctx);
    expect(out.status, out.summary).toBe('pass');
    expect((out.evidence.previous as { rootHash: string }).rootHash).toBe(
      toBase64(fromBase64(honest.evidence.rootHash as string)),
    );
  });

  it('fails ROOT_MISMATCH when an entry bundle is altered on the way', async () => {
    const ctx = await s.context();
    const tiles = ctx.tiles;
    ctx.tiles = async (path) => {
      const body = await tiles(path);
      if (body && path.startsWith('tile/entries/000')) body[body.length - 2]! ^= 1;
      return body;
    };
    const out = await logIntegrity.run(ctx);
    expect(out.status).toBe('fail');
    expect(out.findings[0]?.code).toBe('ROOT_MISMATCH');
  });
});

/**
 * `saksi results verify --witness … --quorum K` (issue #16) over HTTP against a
 * small server: a real results proof (test/results-proof.ts) and a
 * /log/checkpoint cosigned by two real witnesses (witness/witness.ts). The
 * proof's tree must be one the witnesses cosigned (or a prefix of one); a bare
 * checkpoint fails the quorum, and a proof from one view of the log while the
 * witnesses cosigned another (a split view) fails too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignatureVerifierKeyOf, ed25519Signer } from '../../ledger/index.ts';
import {
  checkWitnessedPrefix,
  openCheckpoint,
  parseVerifierKey,
  VerifyError,
} from '../../ledger/verifier/index.ts';
import type { ResultsProof } from '../../ledger/verifier/results/index.ts';
import { MemoryLog } from '../../test/memory-log.ts';
import { buildProof, TPS, VERIFIER_KEY } from '../../test/results-proof.ts';
import { formatAddCheckpoint } from '../../witness/protocol.ts';
import { WitnessStore } from '../../witness/state.ts';
import { Witness } from '../../witness/witness.ts';
import { resultsVerifyCommand } from './results-verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'saksi-results-witness-'));
const stores: WitnessStore[] = [];
const witnesses = [1, 2].map((n) => {
  const signer = ed25519Signer(`w${n}.test/witness`, new Uint8Array(32).fill(40 + n));
  const store = WitnessStore.open(join(dir, `w${n}`));
  stores.push(store);
  return {
    key: cosignatureVerifierKeyOf(signer),
    witness: new Witness({ signer, logKeys: [parseVerifierKey(VERIFIER_KEY)], store }),
  };
});

let proof: ResultsProof;
let otherView: ResultsProof;
/** What the server answers at /log/checkpoint. */
let served = '';
let url: string;
let close: () => Promise<void>;

async function cosigned(checkpoint: string): Promise<string> {
  let note = checkpoint;
  for (const { witness } of witnesses) {
    const a = await witness.addCheckpoint(
      formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint }),
    );
    expect(a.status, a.body).toBe(200);
    note += a.body;
  }
  return note;
}

beforeAll(async () => {
  proof = await buildProof();
  // The same log key and size, another entry: a second view of the log.
  otherView = await buildProof({
    editForm: (e) => {
      e.at = '2024-02-14T13:00:01Z';
    },
  });
  const app = new Hono();
  app.get('/log/key', (c) => c.text(`${VERIFIER_KEY}\n`));
  app.get('/log/checkpoint', (c) => c.text(served));
  app.get(`/v1/results/PPWP/proof/${TPS}`, (c) => c.json(proof));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(async () => {
  await close();
  for (const s of stores) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...extra: string[]) {
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
  const args = ['--url', url, '--contest', 'PPWP', '--tps', TPS, '--key', VERIFIER_KEY];
  const code = await resultsVerifyCommand([...args, ...extra], io);
  return { code, out: out.join('\n') };
}

describe('saksi results verify --witness', () => {
  it('passes when the proof’s tree carries the quorum', async () => {
    served = await cosigned(proof.checkpoint);
    const [a, b] = witnesses.map((w) => w.key) as [string, string];
    const r = await run('--witness', a, '--witness', b, '--quorum', '2');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(
      "witnessed: the proof's tree is a prefix of a checkpoint cosigned by w1.test/witness, w2.test/witness",
    );
    expect(r.out).toMatch(/^OK: PPWP TPS 3171011001001 is counted/m);
    // Without --witness nothing is required, as before.
    expect((await run()).code).toBe(0);
  });

  it('fails with a clear reason when the checkpoint has no cosignatures', async () => {
    served = proof.checkpoint;
    const [a, b] = witnesses.map((w) => w.key) as [string, string];
    const r = await run('--witness', a, '--witness', b, '--quorum', '1');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /NO_QUORUM: checkpoint of size \d+ has 0 valid witness cosignatures, 1 required: no cosignature by w1\.test\/witness/,
    );
  });

  it('fails when the witnesses cosigned another view of the log (split view)', async () => {
    const fresh = witnesses.map(({ key }) => key);
    // New witness state: they have seen only the other view.
    for (const s of stores) s.close();
    stores.length = 0;
    const again = [1, 2].map((n) => {
      const signer = ed25519Signer(`w${n}.test/witness`, new Uint8Array(32).fill(40 + n));
      const store = WitnessStore.open(join(dir, `split-w${n}`));
      stores.push(store);
      return new Witness({ signer, logKeys: [parseVerifierKey(VERIFIER_KEY)], store });
    });
    let note = otherView.checkpoint;
    for (const w of again)
      note += (
        await w.addCheckpoint(
          formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: otherView.checkpoint }),
        )
      ).body;
    served = note;
    const r = await run('--witness', fresh[0]!, '--witness', fresh[1]!);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BAD_PROOF: two different roots for tree size/);
  });

  it('usage: a quorum larger than the witnesses given, a log key as a witness key', async () => {
    await expect(run('--witness', witnesses[0]!.key, '--quorum', '2')).rejects.toThrow(
      /--quorum 2 needs at least 2 --witness keys/,
    );
    await expect(run('--witness', VERIFIER_KEY)).rejects.toThrow(/not 0x04/);
  });
});

describe('checkWitnessedPrefix', () => {
  it('accepts a tree that is a prefix of the cosigned one, by a consistency proof', async () => {
    const log = new MemoryLog('prefix.test/log', 5).append(300);
    const small = openCheckpoint(await log.checkpoint(120), log.vkey);
    const big = openCheckpoint(await log.checkpoint(300), log.vkey);
    checkWitnessedPrefix(small, big, await log.proof(120, 300));
    const bad = await log.proof(120, 300);
    bad[0] = new Uint8Array(32);
    expect(() => checkWitnessedPrefix(small, big, bad)).toThrow(VerifyError);
    expect(() => checkWitnessedPrefix(big, small, [])).toThrow(
      expect.objectContaining({ code: 'NO_QUORUM' }),
    );
  });
});

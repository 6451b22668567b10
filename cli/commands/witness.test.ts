// `saksi witness keygen` and the ways `saksi witness serve` refuses to start
// (a missing key file, a log key that is not one, a corrupt state, a data
// directory in use): each exits before listening, with the reason.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ed25519Signer, verifierKeyOf } from '../../ledger/index.ts';
import { originHash, WitnessStore } from '../../witness/state.ts';
import { main } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'saksi-witness-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logKey = verifierKeyOf(ed25519Signer('cli.test/log', new Uint8Array(32).fill(4)));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
}

describe('saksi witness', () => {
  it('keygen prints the cosignature/v1 key and writes a 0600 file it never overwrites', async () => {
    const io = capture();
    const key = join(dir, 'w.key');
    expect(await main(['witness', 'keygen', '--name', 'cli.test/w', '--out', key], io)).toBe(0);
    expect(io.out).toEqual([
      expect.stringMatching(/^cli\.test\/w\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$/),
    ]);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const again = capture();
    expect(await main(['witness', 'keygen', '--name', 'cli.test/w', '--out', key], again)).toBe(2);
    expect(again.err.join('\n')).toContain('is never overwritten');
  });

  it('serve refuses a missing key, a witness key as the log key, a corrupt state, a busy directory', async () => {
    const key = join(dir, 'w.key');
    const serve = async (...args: string[]) => {
      const io = capture();
      const code = await main(['witness', 'serve', '--port', '0', ...args], io);
      return { code, err: io.err.join('\n') };
    };
    const missing = await serve('--key', join(dir, 'nope.key'), '--log-key', logKey);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read witness key');
    const wrong = await serve('--key', key, '--log-key', 'cli.test/w+00000000+BAAA');
    expect(wrong.code).toBe(2);
    const data = join(dir, 'data');
    mkdirSync(join(data, 'logs'), { recursive: true });
    writeFileSync(join(data, 'logs', `${originHash('cli.test/log')}.json`), '{');
    const corrupt = await serve('--key', key, '--log-key', logKey, '--data', data);
    expect(corrupt.code).toBe(1);
    expect(corrupt.err).toContain('is not JSON; refusing to start');
    rmSync(join(data, 'logs'), { recursive: true });
    const held = WitnessStore.open(data);
    try {
      const busy = await serve('--key', key, '--log-key', logKey, '--data', data);
      expect(busy.code).toBe(1);
      expect(busy.err).toContain('one witness per data directory');
    } finally {
      held.close();
    }
  });
});

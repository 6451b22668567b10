// `saksi serve --witness VKEY=URL` and SAKSI_WITNESSES (api/config.ts): a
// cosignature/v1 key and an http(s) URL each, no witness twice, bad values
// refused at start-up with the rule they broke.
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { cosignatureVerifierKeyOf, ed25519Signer, verifierKeyOf } from '../../ledger/index.ts';
import { ConfigError, loadConfig, parseWitnesses } from '../config.ts';

const w = (n: number) =>
  cosignatureVerifierKeyOf(ed25519Signer(`w${n}.test/witness`, new Uint8Array(32).fill(n)));

describe('witness configuration', () => {
  it('parses VKEY=URL, from flags or SAKSI_WITNESSES, with a bounded round timeout', () => {
    expect(parseWitnesses([`${w(1)}=https://w1.example/`, `${w(2)}=http://10.0.0.2:8090`])).toEqual(
      [
        { verifierKey: w(1), url: 'https://w1.example' },
        { verifierKey: w(2), url: 'http://10.0.0.2:8090' },
      ],
    );
    const c = loadConfig(
      {},
      {
        SAKSI_WITNESSES: ` ${w(1)}=https://w1.example  ${w(2)}=https://w2.example `,
        SAKSI_WITNESS_TIMEOUT_MS: '1500',
      },
    );
    expect(c.witnesses.map((x) => x.url)).toEqual(['https://w1.example', 'https://w2.example']);
    expect(c.witnessTimeoutMs).toBe(1500);
    expect(loadConfig({}, {})).toMatchObject({ witnesses: [], witnessTimeoutMs: 3000 });
    expect(() => loadConfig({}, { SAKSI_WITNESS_TIMEOUT_MS: '10' })).toThrow(ConfigError);
  });

  it('refuses a log key, a bad URL, a missing URL and a witness twice', () => {
    const log = verifierKeyOf(ed25519Signer('log.test/log', new Uint8Array(32).fill(1)));
    for (const bad of [
      [`${log}=https://w.example`],
      [`${w(1)}=ftp://w.example`],
      [`${w(1)}`],
      [`${w(1)}=https://w.example/?x=1`],
      [`${w(1)}=https://a.example`, `${w(1)}=https://b.example`],
    ])
      expect(() => parseWitnesses(bad), bad.join(' ')).toThrow(ConfigError);
  });

  it('saksi serve --witness with a bad value exits before starting anything', async () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (s: string) => err.push(s) };
    expect(await main(['serve', '--witness', 'nonsense'], io)).toBe(1);
    expect(err.join('\n')).toContain('is not VKEY=URL');
  });
});

/**
 * Writer-side C2SP signed-note: ed25519Signer on node:crypto (checked against the
 * RFC 8032 §7.1 vector and @noble/curves), signNote's exact output, and that the
 * verifier opens what the writer signs.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { ed25519Signer, signNote, verifierKeyOf } from './note-sign.ts';
import type { NoteSigner } from './signer.ts';
import {
  formatCheckpointBody,
  formatVerifierKey,
  fromBase64,
  fromHex,
  keyIdFor,
  openCheckpoint,
  openNote,
  parseVerifierKey,
  toBase64,
  toHex,
  utf8,
  VerifyError,
} from './verifier/index.ts';

const seed = (b: number) => new Uint8Array(32).fill(b);

describe('ed25519Signer', () => {
  it('matches RFC 8032 §7.1 TEST 1', async () => {
    const s = ed25519Signer(
      'rfc8032.example/test1',
      fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
    );
    expect(toHex(s.publicKey)).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(toHex(await s.sign(new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('agrees with @noble/curves for a seed', async () => {
    const s = ed25519Signer('a.example/log', seed(42));
    expect(s.publicKey).toEqual(ed25519.getPublicKey(seed(42)));
    const msg = utf8('a.example/log\n1\nAAAA\n');
    expect(await s.sign(msg)).toEqual(ed25519.sign(msg, seed(42)));
  });

  it('accepts a private KeyObject', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const s = ed25519Signer('keyobject.example/log', privateKey);
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    expect(s.publicKey).toEqual(new Uint8Array(raw));
    const msg = utf8('hello\n');
    expect(ed25519.verify(await s.sign(msg), msg, s.publicKey)).toBe(true);
  });

  it('refuses bad names and keys', () => {
    expect(() => ed25519Signer('', seed(1))).toThrow(TypeError);
    expect(() => ed25519Signer('a b', seed(1))).toThrow(TypeError);
    expect(() => ed25519Signer('a+b', seed(1))).toThrow(TypeError);
    expect(() => ed25519Signer(42 as unknown as string, seed(1))).toThrow(TypeError);
    expect(() => ed25519Signer('a', new Uint8Array(31))).toThrow(TypeError);
    expect(() => ed25519Signer('a', new Uint8Array(64))).toThrow(TypeError);
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(() => ed25519Signer('a', publicKey)).toThrow(TypeError);
    const { privateKey: x25519 } = generateKeyPairSync('x25519');
    expect(() => ed25519Signer('a', x25519)).toThrow(TypeError);
    expect(() => ed25519Signer('a', 'seed' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => ed25519Signer('a', null as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('verifierKeyOf', () => {
  it('is the signed-note verifier key string of the signer and parses back', () => {
    const s = ed25519Signer('a.example/log', seed(42));
    const k = verifierKeyOf(s);
    expect(k).toBe(formatVerifierKey(s.name, s.publicKey));
    // <name>+<key ID>+<key>: the name has no "+", the base64 key may.
    const [, name, id, key] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(k)!;
    expect(name).toBe('a.example/log');
    expect(Number.parseInt(id!, 16)).toBe(keyIdFor(s.name, s.publicKey));
    expect(fromBase64(key!)).toEqual(Uint8Array.from([1, ...s.publicKey]));
    expect(parseVerifierKey(k).publicKey).toEqual(s.publicKey);
  });
});

describe('signNote (C2SP signed-note "Format")', () => {
  const log = ed25519Signer('example.kpu.go.id/saksi/test-log', seed(11));
  const witness = ed25519Signer('witness.example.org', seed(12));

  it('appends a blank line and one signature line per signer, over the text bytes', async () => {
    const text = 'line one\nline two\n';
    const note = await signNote(text, [log, witness]);
    const lines = note.slice(text.length + 1).split('\n');
    expect(note.startsWith(`${text}\n— `)).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    for (const [i, s] of [log, witness].entries()) {
      const [dash, name, b64] = lines[i]!.split(' ');
      expect(dash).toBe('—');
      expect(name).toBe(s.name);
      const raw = fromBase64(b64!);
      expect(raw).toHaveLength(68);
      expect(new DataView(raw.buffer).getUint32(0)).toBe(keyIdFor(s.name, s.publicKey));
      expect(ed25519.verify(raw.subarray(4), utf8(text), s.publicKey)).toBe(true);
    }
    const opened = openNote(note, [parseVerifierKey(verifierKeyOf(log))]);
    expect(opened.text).toBe(text);
  });

  it('signs checkpoints the verifier opens', async () => {
    const body = formatCheckpointBody({
      origin: log.name,
      size: 3,
      rootHash: new Uint8Array(32).fill(1),
    });
    const cp = openCheckpoint(await signNote(body, [log]), verifierKeyOf(log));
    expect(cp.size).toBe(3);
    expect(toBase64(cp.rootHash)).toBe(toBase64(new Uint8Array(32).fill(1)));
  });

  it('signs non-ASCII text as UTF-8', async () => {
    const text = 'Komisi Pemilihan Umum — Jakarta ✓\n';
    const note = await signNote(text, [log]);
    expect(openNote(note, [parseVerifierKey(verifierKeyOf(log))]).text).toBe(text);
  });

  it('refuses text a verifier would refuse, and bad signer lists', async () => {
    for (const text of ['', 'no newline', 'a\r\n', 'tab\there\n'])
      await expect(signNote(text, [log])).rejects.toBeInstanceOf(VerifyError);
    await expect(signNote(42 as unknown as string, [log])).rejects.toBeInstanceOf(TypeError);
    await expect(signNote('a\n', [])).rejects.toBeInstanceOf(TypeError);
    await expect(signNote('a\n', log as unknown as NoteSigner[])).rejects.toBeInstanceOf(TypeError);
    await expect(signNote('a\n', [log, log])).rejects.toBeInstanceOf(RangeError);
    const short: NoteSigner = { ...log, sign: async () => new Uint8Array(63) };
    await expect(signNote('a\n', [short])).rejects.toThrow(/64 bytes/);
    const failing: NoteSigner = {
      ...log,
      sign: async () => Promise.reject(new Error('vault down')),
    };
    await expect(signNote('a\n', [failing])).rejects.toThrow('vault down');
  });
});

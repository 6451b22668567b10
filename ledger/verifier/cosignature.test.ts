/**
 * C2SP tlog-cosignature (cosignature/v1): the spec's example read byte by byte,
 * transparency-dev's values, and a cosigned checkpoint computed by Python
 * (test/vectors/tlog-cosignature/) checked by the verifier (@noble/curves);
 * the signer (node:crypto, ../cosign.ts) must reproduce that vector exactly and
 * its output must open in the verifier.
 */
import { describe, expect, it } from 'vitest';
import { loadVector } from '../../test/vectors.ts';
import { cosignatureVerifierKeyOf, cosignCheckpoint } from '../cosign.ts';
import { ed25519Signer, signNote } from '../note-sign.ts';
import {
  COSIGNATURE_SIZE,
  cosignatureKeyId,
  cosignatureMessage,
  decodeCosignature,
  encodeCosignature,
  fromBase64,
  fromHex,
  fromUtf8,
  openCheckpoint,
  openCosignedCheckpoint,
  openNote,
  parseCosignatureVerifierKey,
  parseNote,
  parseVerifierKey,
  toBase64,
  VerifyError,
} from './index.ts';

interface W {
  name: string;
  seed: string;
  vkey: string;
  timestamp: number;
  line: string;
}
const v: {
  spec_example: { note: string; witness_key_id: string; timestamp: number; signed_message: string };
  transparency_dev: { vkey: string; cosignature: string; timestamp: number };
  computed: {
    log: { seed: string; vkey: string };
    witnesses: [W, W];
    body: string;
    w1_signed_message: string;
    note: string;
  };
} = loadVector('tlog-cosignature/cosignature.json');
const c = v.computed;
const [w1, w2] = c.witnesses;

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof VerifyError) return e.code;
    throw e;
  }
  return 'OK';
}

describe('tlog-cosignature: the spec example', () => {
  it('its witness line carries key ID ‖ 8-byte big-endian time ‖ 64-byte signature', () => {
    const note = parseNote(v.spec_example.note);
    const w = note.signatures.find((s) => s.name === 'witness.example.com/w1')!;
    expect(w.keyId.toString(16).padStart(8, '0')).toBe(v.spec_example.witness_key_id);
    expect(w.signature).toHaveLength(COSIGNATURE_SIZE);
    expect(decodeCosignature(w.signature)?.timestamp).toBe(v.spec_example.timestamp);
  });
  it('its signed message is the two header lines and the body', () => {
    const body = parseNote(v.spec_example.note).text;
    expect(fromUtf8(cosignatureMessage(body, v.spec_example.timestamp))).toBe(
      v.spec_example.signed_message,
    );
  });
});

describe('tlog-cosignature: transparency-dev values', () => {
  it('a native 0x04 vkey parses (key ID over name ‖ "\\n" ‖ 0x04 ‖ key)', () => {
    const k = parseCosignatureVerifierKey(v.transparency_dev.vkey);
    expect(k.name).toBe('remora.n621.de');
    expect(k.keyId).toBe(0xda77ade7);
    expect(k.verifierKey).toBe(v.transparency_dev.vkey);
  });
  it('reads the timestamp after the key ID', () => {
    const raw = fromBase64(v.transparency_dev.cosignature);
    expect(decodeCosignature(raw.subarray(4))?.timestamp).toBe(v.transparency_dev.timestamp);
  });
});

describe('tlog-cosignature: the vector computed apart (Python cryptography)', () => {
  it('the verifier accepts the log signature and both cosignatures', () => {
    const cp = openCosignedCheckpoint(c.note, c.log.vkey, {
      witnesses: [w1.vkey, w2.vkey],
      quorum: 2,
    });
    expect(cp.size).toBe(20852163);
    expect(cp.cosigners).toEqual([
      { name: w1.name, verifierKey: w1.vkey, timestamp: w1.timestamp },
      { name: w2.name, verifierKey: w2.vkey, timestamp: w2.timestamp },
    ]);
    // As NoteVerifiers, for generic signed-note code.
    const opened = openNote(c.note, [parseCosignatureVerifierKey(w1.vkey)]);
    expect(opened.signatures.filter((s) => s.verified)).toHaveLength(1);
  });

  it('the signer reproduces each witness line byte for byte', async () => {
    for (const w of c.witnesses) {
      const signer = ed25519Signer(w.name, fromHex(w.seed));
      expect(cosignatureVerifierKeyOf(signer)).toBe(w.vkey);
      expect(await cosignCheckpoint(c.body, signer, w.timestamp)).toBe(w.line);
    }
    expect(fromUtf8(cosignatureMessage(c.body, w1.timestamp))).toBe(c.w1_signed_message);
    const log = ed25519Signer('example.com/behind-the-sofa', fromHex(c.log.seed));
    const signed = await signNote(c.body, [log]);
    expect(`${signed}${w1.line}${w2.line}`).toBe(c.note);
  });

  it('a witness key is not a log key: type 0x04 vs 0x01, different key IDs', () => {
    expect(code(() => parseVerifierKey(w1.vkey))).toBe('MALFORMED_VERIFIER_KEY');
    expect(code(() => parseCosignatureVerifierKey(c.log.vkey))).toBe('MALFORMED_VERIFIER_KEY');
    // The log key alone still opens the note: cosignature lines are unknown keys to it.
    expect(openCheckpoint(c.note, c.log.vkey).size).toBe(20852163);
    const k = parseCosignatureVerifierKey(w1.vkey);
    expect(cosignatureKeyId(k.name, k.publicKey)).not.toBe(parseNote(c.note).signatures[0]!.keyId);
  });
});

describe('quorum', () => {
  const logLine = parseNote(c.note);
  const bodyAndLog = c.note.slice(0, c.note.indexOf(w1.line));
  it('fails with NO_QUORUM and names what is missing', () => {
    try {
      openCosignedCheckpoint(`${bodyAndLog}${w1.line}`, c.log.vkey, {
        witnesses: [w1.vkey, w2.vkey],
        quorum: 2,
      });
      throw new Error('accepted');
    } catch (e) {
      expect((e as VerifyError).code).toBe('NO_QUORUM');
      expect((e as Error).message).toContain('1 valid witness cosignature, 2 required');
      expect((e as Error).message).toContain(`no cosignature by ${w2.name}`);
    }
    expect(
      openCosignedCheckpoint(`${bodyAndLog}${w1.line}`, c.log.vkey, {
        witnesses: [w1.vkey, w2.vkey],
        quorum: 1,
      }).cosigners,
    ).toHaveLength(1);
    expect(logLine.signatures).toHaveLength(3);
  });

  it('a cosignature over another body, a changed time, or a duplicate does not count', () => {
    const raw = fromBase64(w1.line.trim().split(' ')[2]!);
    raw[11] = raw[11]! ^ 1; // the timestamp's last byte
    const bad = `— ${w1.name} ${toBase64(raw)}\n`;
    const opts = { witnesses: [w1.vkey], quorum: 1 };
    expect(code(() => openCosignedCheckpoint(`${bodyAndLog}${bad}`, c.log.vkey, opts))).toBe(
      'NO_QUORUM',
    );
    expect(
      code(() => openCosignedCheckpoint(`${bodyAndLog}${w1.line}${w1.line}`, c.log.vkey, opts)),
    ).toBe('NO_QUORUM');
    // w2's line under w1's name: the key ID does not match, so it is ignored.
    const renamed = w2.line.replace(w2.name, w1.name);
    expect(code(() => openCosignedCheckpoint(`${bodyAndLog}${renamed}`, c.log.vkey, opts))).toBe(
      'NO_QUORUM',
    );
  });

  it('refuses cosignatures dated too far in the future when told the time', () => {
    const opts = { witnesses: [w1.vkey], quorum: 1, now: w1.timestamp - 7200 };
    expect(code(() => openCosignedCheckpoint(c.note, c.log.vkey, opts))).toBe('NO_QUORUM');
    expect(
      code(() => openCosignedCheckpoint(c.note, c.log.vkey, { ...opts, now: w1.timestamp })),
    ).toBe('OK');
  });

  it('a bad log signature fails before any cosignature is looked at', () => {
    const opts = { witnesses: [w1.vkey, w2.vkey], quorum: 2 };
    expect(
      code(() => openCosignedCheckpoint(c.note.replace('20852163', '20852164'), c.log.vkey, opts)),
    ).toBe('UNVERIFIED_NOTE');
  });

  it('refuses a quorum larger than the witnesses given, and a witness listed twice', () => {
    expect(() =>
      openCosignedCheckpoint(c.note, c.log.vkey, { witnesses: [w1.vkey], quorum: 2 }),
    ).toThrow(RangeError);
    expect(() =>
      openCosignedCheckpoint(c.note, c.log.vkey, { witnesses: [w1.vkey, w1.vkey], quorum: 1 }),
    ).toThrow(TypeError);
  });
});

describe('encoding limits', () => {
  it('round-trips timestamps up to 2^53-1 and refuses larger ones', () => {
    const sig = new Uint8Array(64);
    for (const t of [1, 1679315147, 2 ** 32, Number.MAX_SAFE_INTEGER])
      expect(decodeCosignature(encodeCosignature(t, sig))?.timestamp).toBe(t);
    const big = new Uint8Array(72);
    big[0] = 0x7f;
    expect(decodeCosignature(big)).toBeNull();
    expect(decodeCosignature(new Uint8Array(71))).toBeNull();
    expect(() => encodeCosignature(-1, sig)).toThrow(RangeError);
  });
  it('cosignCheckpoint refuses a non-checkpoint body and a zero time', async () => {
    const s = ed25519Signer(w1.name, fromHex(w1.seed));
    await expect(cosignCheckpoint('hello\n', s, 1)).rejects.toThrow();
    await expect(cosignCheckpoint(c.body, s, 0)).rejects.toThrow(RangeError);
  });
});

/**
 * C2SP signed-note and tlog-checkpoint: the six tlog-go cases (made with
 * golang.org/x/mod/sumdb/note) opened with the log key only, verifier key strings,
 * checkpoint bodies, notes made by signNote, and malformed or wrong-typed input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVector } from '../../test/vectors.ts';
import { ed25519Signer, signNote, verifierKeyOf } from '../note-sign.ts';
import {
  formatCheckpointBody,
  formatSignatureLine,
  formatVerifierKey,
  fromBase64,
  keyIdFor,
  MAX_LINE_LENGTH,
  MAX_SIGNATURES,
  noteMessage,
  openCheckpoint,
  openNote,
  parseCheckpointBody,
  parseVerifierKey,
  toBase64,
  utf8,
  VerifyError,
  type VerifyErrorCode,
} from './index.ts';

const load = loadVector;
const golden: {
  cases: { note: string; valid_for_log_key: boolean; comment: string }[];
  checkpoint_body: string;
  log_verifier_key: string;
  other_verifier_key: string;
} = load('tlog-go/signed-note.json');
const log: { roots: { tree_size: number; root_hash: string }[] } = load('tlog-go/log.json');
const ORIGIN = 'example.kpu.go.id/saksi/test-log';
const logKey = parseVerifierKey(golden.log_verifier_key);

function expectCode(code: VerifyErrorCode, f: () => unknown) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

const seed = (b: number) => new Uint8Array(32).fill(b);
const alice = ed25519Signer('alice.example/log', seed(1));
const bob = ed25519Signer('bob.example/witness', seed(2));
const carol = ed25519Signer('carol.example/witness', seed(3));
const vAlice = parseVerifierKey(verifierKeyOf(alice));
const vBob = parseVerifierKey(verifierKeyOf(bob));
const vCarol = parseVerifierKey(verifierKeyOf(carol));

describe('C2SP signed-note: tlog-go cases, log_verifier_key only', () => {
  it.each(golden.cases.map((c) => [c.comment, c] as const))('%s', (_, c) => {
    if (c.valid_for_log_key) {
      const n = openNote(c.note, [logKey]);
      expect(n.text).toBe(golden.checkpoint_body);
      expect(n.note).toBe(c.note);
      expect(n.signatures[0]).toEqual({ name: ORIGIN, keyId: 0xab7a9e2c, verified: true });
      expect(n.signatures.slice(1).every((s) => !s.verified)).toBe(true);
      // The same bytes as a Uint8Array open the same way.
      expect(openNote(utf8(c.note), [logKey]).text).toBe(golden.checkpoint_body);
    } else {
      expect(() => openNote(c.note, [logKey])).toThrow(VerifyError);
    }
  });

  it('fails each invalid case for the right reason', () => {
    const [, , unknownOnly, badSig, noBlank, sizeChanged] = golden.cases;
    expectCode('UNVERIFIED_NOTE', () => openNote(unknownOnly!.note, [logKey]));
    expectCode('UNVERIFIED_NOTE', () => openNote(badSig!.note, [logKey]));
    expectCode('MALFORMED_NOTE', () => openNote(noBlank!.note, [logKey]));
    expectCode('UNVERIFIED_NOTE', () => openNote(sizeChanged!.note, [logKey]));
  });

  it('opens the witness-signed case with both keys, each signature verified', () => {
    const witness = parseVerifierKey(golden.other_verifier_key);
    const n = openNote(golden.cases[1]!.note, [logKey, witness]);
    expect(n.signatures.map((s) => s.verified)).toEqual([true, true]);
    expect(openNote(golden.cases[2]!.note, [witness]).signatures[0]!.verified).toBe(true);
  });
});

describe('C2SP signed-note verifier keys', () => {
  it('round-trip the tlog-go keys byte for byte', () => {
    for (const k of [golden.log_verifier_key, golden.other_verifier_key]) {
      const v = parseVerifierKey(k);
      expect(v.verifierKey).toBe(k);
      expect(formatVerifierKey(v.name, v.publicKey)).toBe(k);
      expect(keyIdFor(v.name, v.publicKey)).toBe(v.keyId);
    }
    expect(logKey.name).toBe(ORIGIN);
    expect(logKey.keyId).toBe(0xab7a9e2c);
    expect(logKey.publicKey).toHaveLength(32);
  });

  it.each([
    ['empty', ''],
    ['no key', `${ORIGIN}+ab7a9e2c`],
    ['empty name', '+ab7a9e2c+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1h'],
    ['uppercase key ID', `${ORIGIN}+AB7A9E2C+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1h`],
    ['short key ID', `${ORIGIN}+b7a9e2c+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1h`],
    ['wrong key ID', `${ORIGIN}+ab7a9e2d+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1h`],
    [
      'other name',
      `example.kpu.go.id/saksi/other+ab7a9e2c+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1h`,
    ],
    ['algorithm 0x02', `${ORIGIN}+ab7a9e2c+Ahl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1h`],
    ['31-byte key', `${ORIGIN}+ab7a9e2c+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No`],
    ['unpadded base64', `${ORIGIN}+ab7a9e2c+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1`],
    ['URL-safe base64', `${ORIGIN}+ab7a9e2c+ARl_ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb-os9No1h`],
    ['trailing newline', `${golden.log_verifier_key}\n`],
    ['trailing plus', `${golden.log_verifier_key}+`],
    ['space in name', `example kpu+ab7a9e2c+ARl/ayPhbIUyxqvIOPrNXqeJvgx2spIDNAOb+os9No1h`],
  ])('refuses a malformed key: %s', (_, k) => {
    expectCode('MALFORMED_VERIFIER_KEY', () => parseVerifierKey(k));
  });

  it('refuses wrong types', () => {
    for (const bad of [undefined, null, 1, {}, utf8(golden.log_verifier_key)])
      expect(() => parseVerifierKey(bad as string)).toThrow(TypeError);
    expect(() => keyIdFor('', new Uint8Array(32))).toThrow(TypeError);
    expect(() => keyIdFor('a+b', new Uint8Array(32))).toThrow(TypeError);
    expect(() => keyIdFor('a b', new Uint8Array(32))).toThrow(TypeError);
    expect(() => keyIdFor('a\u00a0b', new Uint8Array(32))).toThrow(TypeError);
    expect(() => keyIdFor('name', new Uint8Array(31))).toThrow(TypeError);
    expect(() => keyIdFor('name', Array(32).fill(0) as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('C2SP tlog-checkpoint bodies', () => {
  const root600 = fromBase64(log.roots.find((r) => r.tree_size === 600)!.root_hash);

  it('the tlog-go body parses to size 600 and the tlog-go root, and formats back', () => {
    const cp = parseCheckpointBody(golden.checkpoint_body);
    expect(cp).toEqual({ origin: ORIGIN, size: 600, rootHash: root600, extensions: [] });
    expect(formatCheckpointBody(cp)).toBe(golden.checkpoint_body);
  });

  it('openCheckpoint opens the signed tlog-go checkpoint with the log key', () => {
    const cp = openCheckpoint(golden.cases[0]!.note, golden.log_verifier_key);
    expect(cp.size).toBe(600);
    expect(cp.rootHash).toEqual(root600);
    expect(cp.note).toBe(golden.cases[0]!.note);
  });

  it('openCheckpoint refuses a checkpoint whose origin is not the key name', async () => {
    const note = await signNote(
      formatCheckpointBody({ origin: 'someone.else/log', size: 1, rootHash: root600 }),
      [alice],
    );
    expectCode('MALFORMED_CHECKPOINT', () => openCheckpoint(note, vAlice));
  });

  it('keeps extension lines and the empty tree', () => {
    const body = `${ORIGIN}\n0\n${toBase64(root600)}\next one\next two\n`;
    const cp = parseCheckpointBody(body);
    expect(cp.size).toBe(0);
    expect(cp.extensions).toEqual(['ext one', 'ext two']);
    expect(formatCheckpointBody(cp)).toBe(body);
  });

  const r = toBase64(root600);
  it.each([
    ['no final newline', `${ORIGIN}\n600\n${r}`],
    ['two lines', `${ORIGIN}\n600\n`],
    ['empty origin', `\n600\n${r}\n`],
    ['leading zero', `${ORIGIN}\n0600\n${r}\n`],
    ['plus sign', `${ORIGIN}\n+600\n${r}\n`],
    ['negative', `${ORIGIN}\n-1\n${r}\n`],
    ['exponent', `${ORIGIN}\n6e2\n${r}\n`],
    ['space', `${ORIGIN}\n 600\n${r}\n`],
    ['hex', `${ORIGIN}\n0x258\n${r}\n`],
    ['unsafe size', `${ORIGIN}\n9007199254740992\n${r}\n`],
    ['empty size', `${ORIGIN}\n\n${r}\n`],
    ['31-byte root', `${ORIGIN}\n600\n${toBase64(root600.subarray(1))}\n`],
    ['33-byte root', `${ORIGIN}\n600\n${toBase64(new Uint8Array(33))}\n`],
    ['unpadded root', `${ORIGIN}\n600\n${r.replace(/=$/, '')}\n`],
    ['empty extension line', `${ORIGIN}\n600\n${r}\n\n`],
    ['CR before newline', `${ORIGIN}\r\n600\n${r}\n`],
    ['NUL in origin', `${ORIGIN}\u0000\n600\n${r}\n`],
    ['garbage after the final newline', `${ORIGIN}\n600\n${r}\nx`],
  ])('refuses a malformed body: %s', (_, body) => {
    expectCode('MALFORMED_CHECKPOINT', () => parseCheckpointBody(body));
  });

  it('refuses wrong types', () => {
    for (const bad of [undefined, null, 600, utf8(golden.checkpoint_body)])
      expect(() => parseCheckpointBody(bad as unknown as string)).toThrow(TypeError);
    expect(() => formatCheckpointBody({ origin: '', size: 1, rootHash: root600 })).toThrow();
    expect(() => formatCheckpointBody({ origin: 'o', size: -1, rootHash: root600 })).toThrow();
    expect(() => formatCheckpointBody({ origin: 'o', size: 1.5, rootHash: root600 })).toThrow();
    expect(() =>
      formatCheckpointBody({ origin: 'o', size: 1, rootHash: new Uint8Array(31) }),
    ).toThrow();
  });
});

describe('C2SP signed-note: notes made by signNote', () => {
  const text = 'Saksi test\nline two\n';

  it('a note signed with a fixed seed verifies, and tampering fails', async () => {
    const note = await signNote(text, [alice]);
    expect(openNote(note, [vAlice])).toMatchObject({ text, signatures: [{ verified: true }] });
    expectCode('UNVERIFIED_NOTE', () => openNote(note.replace('two', 'tw0'), [vAlice]));
    const sigStart = note.lastIndexOf(' ') + 1;
    const flipped = `${note.slice(0, sigStart + 10)}${note[sigStart + 10] === 'A' ? 'B' : 'A'}${note.slice(sigStart + 11)}`;
    expectCode('UNVERIFIED_NOTE', () => openNote(flipped, [vAlice]));
    // Deterministic Ed25519 (RFC 8032 §5.1.6): the same seed and text give the same note.
    expect(await signNote(text, [alice])).toBe(note);
  });

  it('several signatures: each key alone opens the note; all together verify all', async () => {
    const note = await signNote(text, [alice, bob, carol]);
    for (const v of [vAlice, vBob, vCarol]) {
      const n = openNote(note, [v]);
      expect(n.signatures.filter((s) => s.verified).map((s) => s.name)).toEqual([v.name]);
    }
    expect(openNote(note, [vCarol, vAlice, vBob]).signatures.every((s) => s.verified)).toBe(true);
  });

  it('ignores unknown keys, including ones sharing a name or a key ID with a known key', async () => {
    const sameName = ed25519Signer(alice.name, seed(9));
    const note = await signNote(text, [sameName, bob]);
    expectCode('UNVERIFIED_NOTE', () => openNote(note, [vAlice]));
    expect(openNote(note, [vAlice, vBob]).signatures).toEqual([
      { name: alice.name, keyId: keyIdFor(alice.name, sameName.publicKey), verified: false },
      { name: bob.name, keyId: vBob.keyId, verified: true },
    ]);
    // A line with alice's key ID under another name is not alice's signature.
    const sig = await alice.sign(utf8(text));
    const renamed = `${text}\n${formatSignatureLine('mallory.example', vAlice.keyId, sig)}${formatSignatureLine(bob.name, vBob.keyId, await bob.sign(utf8(text)))}`;
    expect(openNote(renamed, [vAlice, vBob]).signatures.map((s) => s.verified)).toEqual([
      false,
      true,
    ]);
  });

  it('rejects the note if any known key fails, even when another verified', async () => {
    const good = await signNote(text, [alice]);
    const forged = formatSignatureLine(bob.name, vBob.keyId, new Uint8Array(64).fill(7));
    expectCode('UNVERIFIED_NOTE', () => openNote(good + forged, [vAlice, vBob]));
    // A known key whose signature has the wrong length fails the same way.
    const short = formatSignatureLine(bob.name, vBob.keyId, new Uint8Array(63).fill(7));
    expectCode('UNVERIFIED_NOTE', () => openNote(good + short, [vAlice, vBob]));
  });

  it('rejects two signatures by the same known key', async () => {
    const note = await signNote(text, [alice]);
    const line = note.slice(note.lastIndexOf('\n\n') + 2);
    expectCode('MALFORMED_NOTE', () => openNote(note + line, [vAlice]));
  });

  it('accepts up to 100 signatures and refuses 101', async () => {
    const good = await signNote(text, [alice]);
    const unknown = formatSignatureLine('unknown.example', 1, new Uint8Array(64));
    expect(openNote(good + unknown.repeat(MAX_SIGNATURES - 1), [vAlice]).signatures).toHaveLength(
      100,
    );
    expectCode('MALFORMED_NOTE', () => openNote(good + unknown.repeat(MAX_SIGNATURES), [vAlice]));
  });

  it('text may contain blank lines: the last blank line separates the signatures', async () => {
    const t = 'first\n\nthird\n\n';
    const note = await signNote(t, [alice]);
    expect(openNote(note, [vAlice]).text).toBe(t);
  });
});

describe('C2SP signed-note: malformed and wrong-typed notes', () => {
  const text = 'hello\n';
  let good = '';
  let sigLine = '';
  beforeAll(async () => {
    good = await signNote(text, [alice]);
    sigLine = good.slice(text.length + 1);
  });

  it('the unmodified note opens', () => {
    expect(openNote(good, [vAlice]).text).toBe(text);
  });

  const cases: [string, () => string | Uint8Array][] = [
    ['empty', () => ''],
    ['text only', () => text],
    ['no signatures after the blank line', () => `${text}\n`],
    ['missing final newline', () => good.slice(0, -1)],
    ['garbage after the last signature', () => `${good}x`],
    ['blank line missing', () => `${text}${sigLine}`],
    ['hyphen instead of em dash', () => `${text}\n${sigLine.replace('—', '-')}`],
    ['en dash instead of em dash', () => `${text}\n${sigLine.replace('—', '–')}`],
    ['no space after the dash', () => `${text}\n${sigLine.replace('— ', '—')}`],
    [
      'two spaces after the name',
      () => `${text}\n${sigLine.replace(`${alice.name} `, `${alice.name}  `)}`,
    ],
    ['no signature', () => `${text}\n— ${alice.name}\n`],
    ['empty signature', () => `${text}\n— ${alice.name} \n`],
    ['signature too short', () => `${text}\n— ${alice.name} AAAAAA==\n`],
    ['signature not base64', () => `${text}\n— ${alice.name} !!!!\n`],
    ['signature unpadded', () => good.replace(/=\n$/, '\n')],
    ['signature with trailing space', () => good.replace(/\n$/, ' \n')],
    ['plus in key name', () => `${text}\n${sigLine.replace(alice.name, 'alice+x')}`],
    ['no-break space in key name', () => `${text}\n${sigLine.replace(alice.name, 'alice\u00a0x')}`],
    ['CRLF line endings', () => good.replace(/\n/g, '\r\n')],
    ['tab in text', () => `hel\tlo\n\n${sigLine}`],
    ['NUL in text', () => `hel\u0000lo\n\n${sigLine}`],
    ['lone surrogate', () => `hel\ud800lo\n\n${sigLine}`],
    [
      'invalid UTF-8 bytes',
      () => Uint8Array.from([...utf8('he'), 0xff, ...utf8(`llo\n\n${sigLine}`)]),
    ],
    [
      'overlong UTF-8',
      () => Uint8Array.from([...utf8('he'), 0xc0, 0xaf, ...utf8(`\n\n${sigLine}`)]),
    ],
    ['line too long', () => `${'a'.repeat(MAX_LINE_LENGTH + 1)}\n\n${sigLine}`],
    ['note too large', () => `${'a\n'.repeat(600_000)}\n${sigLine}`],
  ];
  it.each(cases)('refuses: %s', (_, make) => {
    expectCode('MALFORMED_NOTE', () => openNote(make(), [vAlice]));
  });

  it('refuses wrong types', () => {
    for (const bad of [undefined, null, 42, {}, [good], new ArrayBuffer(4)])
      expect(() => openNote(bad as string, [vAlice])).toThrow(TypeError);
    for (const bad of [
      undefined,
      null,
      vAlice,
      'key',
      [golden.log_verifier_key],
      [{}],
      [{ name: 'x', keyId: 1 }],
    ])
      expect(() => openNote(good, bad as never)).toThrow(TypeError);
  });

  it('noteMessage refuses text a verifier would refuse', () => {
    expect(noteMessage(text)).toEqual(utf8(text));
    for (const bad of [
      '',
      'no newline',
      'a\r\n',
      'a\u0000\n',
      `${'a'.repeat(MAX_LINE_LENGTH + 1)}\n`,
    ])
      expectCode('MALFORMED_NOTE', () => noteMessage(bad));
    expect(() => noteMessage(1 as unknown as string)).toThrow(TypeError);
  });

  it('formatSignatureLine refuses bad names, key IDs and signatures', () => {
    const sig = new Uint8Array(64);
    expect(formatSignatureLine('a', 0xffffffff, sig)).toBe(
      `— a ${toBase64(Uint8Array.from([255, 255, 255, 255, ...sig]))}\n`,
    );
    expect(() => formatSignatureLine('a b', 1, sig)).toThrow(TypeError);
    expect(() => formatSignatureLine('a', -1, sig)).toThrow(TypeError);
    expect(() => formatSignatureLine('a', 2 ** 32, sig)).toThrow(TypeError);
    expect(() => formatSignatureLine('a', 1.5, sig)).toThrow(TypeError);
    expect(() => formatSignatureLine('a', 1, new Uint8Array(0))).toThrow(TypeError);
  });
});

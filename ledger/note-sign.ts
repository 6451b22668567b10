/**
 * The writer's side of C2SP signed-note (https://c2sp.org/signed-note): signing a
 * note text with one or more NoteSigners, and a NoteSigner over node:crypto's
 * native Ed25519 for the local key service and tests. The formats come from the
 * verifier (./verifier/index.ts) so the writer can only produce notes the verifier
 * accepts; the verifier never imports this file (CONVENTIONS.md §2).
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { NoteSigner } from './signer.ts';
import {
  formatSignatureLine,
  formatVerifierKey,
  fromBase64,
  isValidKeyName,
  keyIdFor,
  MAX_SIGNATURES,
  noteMessage,
} from './verifier/index.ts';

const ED25519_SIGNATURE_SIZE = 64;

/**
 * Signs `text` (which must end in a newline) with every signer and returns the
 * signed note: text, a blank line, then one `— <name> <base64(key ID ‖ sig)>`
 * line per signer, in order (signed-note "Format"). Each Ed25519 signature is over
 * the UTF-8 bytes of the text, final newline included (signed-note "Ed25519
 * signatures").
 */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  const message = noteMessage(text);
  if (!Array.isArray(signers) || signers.length === 0)
    throw new TypeError('signNote needs at least one signer');
  if (signers.length > MAX_SIGNATURES)
    throw new RangeError(`a note carries at most ${MAX_SIGNATURES} signatures`);
  const ids = signers.map((s) => `${s.name}+${keyIdFor(s.name, s.publicKey)}`);
  // A verifier rejects a note signed twice by the same key (see openNote).
  if (new Set(ids).size !== ids.length)
    throw new RangeError('the same key appears twice in signers');
  const sigs = await Promise.all(signers.map((s) => s.sign(message)));
  let out = `${text}\n`;
  signers.forEach((s, i) => {
    const sig = sigs[i];
    if (!(sig instanceof Uint8Array) || sig.length !== ED25519_SIGNATURE_SIZE)
      throw new Error(`signer ${s.name} returned a signature that is not 64 bytes`);
    out += formatSignatureLine(s.name, keyIdFor(s.name, s.publicKey), sig);
  });
  return out;
}

/** The verifier key string `<name>+<hex key ID>+<base64(0x01 ‖ key)>` of a signer. */
export function verifierKeyOf(signer: NoteSigner): string {
  return formatVerifierKey(signer.name, signer.publicKey);
}

// RFC 8410 §7: PKCS#8 PrivateKeyInfo for Ed25519 is this fixed prefix + the seed.
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/**
 * A NoteSigner over node:crypto's Ed25519 (crypto.sign(null, msg, key): Ed25519
 * takes no separate digest). `key` is a private KeyObject or a raw 32-byte seed
 * (RFC 8032 §5.1.5); the seed is copied into a KeyObject and not kept.
 */
export function ed25519Signer(name: string, key: KeyObject | Uint8Array): NoteSigner {
  if (!isValidKeyName(name))
    throw new TypeError(`invalid signed-note key name ${JSON.stringify(name)}`);
  let privateKey: KeyObject;
  if (key instanceof Uint8Array) {
    if (key.length !== 32) throw new TypeError('Ed25519 seed must be 32 bytes');
    const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
    der.set(PKCS8_ED25519_PREFIX);
    der.set(key, PKCS8_ED25519_PREFIX.length);
    privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    der.fill(0);
  } else if (
    typeof key === 'object' &&
    key !== null &&
    (key as KeyObject).type === 'private' &&
    (key as KeyObject).asymmetricKeyType === 'ed25519'
  ) {
    privateKey = key;
  } else {
    throw new TypeError('ed25519Signer needs an Ed25519 private KeyObject or a 32-byte seed');
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = fromBase64Url(jwk.x ?? '');
  if (publicKey.length !== 32) throw new Error('could not derive the Ed25519 public key');
  keyIdFor(name, publicKey); // validates name and key once, up front
  return {
    name,
    publicKey,
    async sign(message: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(cryptoSign(null, message, privateKey));
    },
  };
}

function fromBase64Url(s: string): Uint8Array {
  const std = s.replace(/-/g, '+').replace(/_/g, '/');
  return fromBase64(std + '='.repeat((4 - (std.length % 4)) % 4));
}

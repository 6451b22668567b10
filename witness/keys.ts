/**
 * The witness's private key file: one line in golang.org/x/mod/sumdb/note's
 * signer-key format, `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>`,
 * which Go witness tooling (e.g. transparency-dev's, converting it to
 * cosignature/v1) reads too. Written with mode 0600 and never over an existing
 * file; the verifier key printed for parties is the cosignature/v1 one (type
 * 0x04, C2SP tlog-cosignature), not the 0x01 key ID in this file.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cosignatureVerifierKeyOf, ed25519Signer, type NoteSigner } from '../ledger/index.ts';
import { fromBase64, isValidKeyName, keyIdFor, toBase64 } from '../ledger/verifier/index.ts';

export class KeyFileError extends Error {}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** Creates a new key file; returns the witness verifier key (type 0x04). */
export function generateWitnessKey(name: string, file: string): string {
  if (!isValidKeyName(name))
    throw new KeyFileError(`invalid witness name ${JSON.stringify(name)} (no spaces, no "+")`);
  const seed = new Uint8Array(randomBytes(32));
  const signer = ed25519Signer(name, seed);
  const id = keyIdFor(name, signer.publicKey);
  const line = `PRIVATE+KEY+${name}+${hex32(id)}+${toBase64(Uint8Array.from([0x01, ...seed]))}\n`;
  seed.fill(0);
  try {
    writeFileSync(file, line, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new KeyFileError(`${file} exists; a witness key is never overwritten`);
    throw e;
  }
  return cosignatureVerifierKeyOf(signer);
}

/** Reads a key file written by generateWitnessKey. */
export function loadWitnessKey(file: string): NoteSigner {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new KeyFileError(`cannot read witness key ${file}: ${(e as Error).message}`);
  }
  const m = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text);
  if (!m) throw new KeyFileError(`${file} is not a PRIVATE+KEY+<name>+<id>+<key> line`);
  const [, name, idHex, b64] = m as unknown as [string, string, string, string];
  let raw: Uint8Array;
  try {
    raw = fromBase64(b64);
  } catch {
    throw new KeyFileError(`${file}: the key is not standard base64`);
  }
  if (raw.length !== 33 || raw[0] !== 0x01)
    throw new KeyFileError(`${file}: not an Ed25519 key (type 0x01, 32 bytes)`);
  const signer = ed25519Signer(name, raw.subarray(1));
  raw.fill(0);
  if (hex32(keyIdFor(name, signer.publicKey)) !== idHex)
    throw new KeyFileError(`${file}: the key ID does not match the name and key`);
  return signer;
}

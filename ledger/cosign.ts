/**
 * The signing side of C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature),
 * beside the note signer (./note-sign.ts): a witness's Ed25519 key signs
 * "cosignature/v1\ntime <T>\n" + the checkpoint body, and the result is one
 * signed-note line. The message and the line's layout come from the verifier
 * (./verifier/cosignature.ts) so the signer cannot produce what it refuses; the
 * tests check the two against each other and against a vector computed apart.
 */
import type { NoteSigner } from './signer.ts';
import {
  cosignatureKeyId,
  cosignatureMessage,
  encodeCosignature,
  formatCosignatureVerifierKey,
  formatSignatureLine,
  parseCheckpointBody,
} from './verifier/index.ts';

/**
 * The cosignature line `— <witness name> base64(key ID ‖ u64 time ‖ sig)\n` over
 * a checkpoint body (tlog-cosignature "Format", "Ed25519 signed message").
 * `timestamp` is POSIX seconds; tlog-witness requires it to be non-zero.
 */
export async function cosignCheckpoint(
  body: string,
  signer: NoteSigner,
  timestamp: number,
): Promise<string> {
  parseCheckpointBody(body); // a witness cosigns checkpoints, nothing else
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0)
    throw new RangeError('a cosignature timestamp must be a positive integer (tlog-witness)');
  const sig = await signer.sign(cosignatureMessage(body, timestamp));
  return formatSignatureLine(
    signer.name,
    cosignatureKeyId(signer.name, signer.publicKey),
    encodeCosignature(timestamp, sig),
  );
}

/** The witness verifier key `<name>+<hex key ID>+<base64(0x04 ‖ key)>` of a signer. */
export function cosignatureVerifierKeyOf(signer: NoteSigner): string {
  return formatCosignatureVerifierKey(signer.name, signer.publicKey);
}

/** Reading an upload's body: bounded, hashed as it streams. */
import { createHash } from 'node:crypto';

/**
 * Reads at most `max` bytes of the body, hashing as it goes; null (and the rest
 * of the stream cancelled) once it holds more, whatever Content-Length claimed.
 */
export async function readLimited(
  req: Request,
  max: number,
): Promise<{ bytes: Uint8Array; sha256: string } | null> {
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        return null;
      }
      hash.update(value);
      chunks.push(value);
    }
  }
  return { bytes: Buffer.concat(chunks, size), sha256: hash.digest('hex') };
}

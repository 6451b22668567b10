/**
 * C2SP tlog-witness (https://c2sp.org/tlog-witness) "add-checkpoint" bodies,
 * shared by the witness (./witness.ts) and the log that calls it
 * (api/log/witnesses.ts):
 *
 *   old <size>\n
 *   <base64 hash>\n        (zero to 63 consistency proof lines)
 *   \n
 *   <signed checkpoint note>
 *
 * and the 409 answer's `text/x.tlog.size` body, `<size>\n`.
 */
import { fromBase64, HASH_SIZE, type Hash, toBase64 } from '../ledger/verifier/index.ts';

/** tlog-witness "add-checkpoint": "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;
/**
 * The largest request body a witness reads: 63 proof lines (~2.8 KiB) and a
 * checkpoint with room for many signatures. Anything larger is refused unread.
 */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** tlog-witness: the Content-Type of a 409 answer. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Hash[];
  /** The signed checkpoint note, as sent. */
  checkpoint: string;
}

export class ProtocolError extends Error {
  readonly code = 'BAD_REQUEST';
}

const DECIMAL_RE = /^(?:0|[1-9][0-9]*)$/;

function decimal(s: string, what: string): number {
  if (!DECIMAL_RE.test(s))
    throw new ProtocolError(`${what} is not a decimal without leading zeroes`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new ProtocolError(`${what} is too large`);
  return n;
}

export function formatAddCheckpoint(req: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(req.oldSize) || req.oldSize < 0)
    throw new RangeError(`bad old size ${req.oldSize}`);
  if (req.proof.length > MAX_PROOF_LINES)
    throw new RangeError(`a consistency proof has at most ${MAX_PROOF_LINES} hashes`);
  const proof = req.proof.map((h) => `${toBase64(h)}\n`).join('');
  return `old ${req.oldSize}\n${proof}\n${req.checkpoint}`;
}

/** Parses a request body; the checkpoint is returned unchecked (the witness opens it). */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const end = body.indexOf('\n\n');
  if (end < 0) throw new ProtocolError('no empty line before the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, end).split('\n') as [string, ...string[]];
  if (!oldLine.startsWith('old ')) throw new ProtocolError('the first line must be "old <size>"');
  const oldSize = decimal(oldLine.slice(4), 'old size');
  if (proofLines.length > MAX_PROOF_LINES)
    throw new ProtocolError(`more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((l, i) => {
    let h: Uint8Array;
    try {
      h = fromBase64(l);
    } catch {
      throw new ProtocolError(`consistency proof line ${i + 1} is not standard base64`);
    }
    if (h.length !== HASH_SIZE)
      throw new ProtocolError(`consistency proof line ${i + 1} is not a 32-byte hash`);
    return h;
  });
  const checkpoint = body.slice(end + 2);
  if (checkpoint === '') throw new ProtocolError('no checkpoint after the empty line');
  return { oldSize, proof, checkpoint };
}

/** The body of a 409 answer: the witness's size and a newline. */
export function formatSize(size: number): string {
  return `${size}\n`;
}

/** Parses a 409 answer's body (text/x.tlog.size). */
export function parseSize(body: string): number {
  if (!body.endsWith('\n')) throw new ProtocolError('a size body ends with a newline');
  return decimal(body.slice(0, -1), 'size');
}

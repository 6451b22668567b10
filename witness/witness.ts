/**
 * A C2SP tlog-witness (https://c2sp.org/tlog-witness): it keeps, per log, the
 * latest checkpoint it cosigned, and cosigns a new one only if the log signed it
 * and a consistency proof shows the old tree is a prefix of the new. So a log
 * cannot show one history to the witnesses and another to anyone: a client that
 * requires k of n witnesses' cosignatures (ledger/verifier/cosignature.ts) gets
 * only checkpoints those witnesses have all seen grow append-only.
 *
 * The HTTP answers are the spec's (section "add-checkpoint"): 400 malformed,
 * 404 unknown origin, 403 no valid signature by the log's key, 409 + our size
 * when the old size is not ours, 422 bad proof or a different root at the same
 * size, 200 + cosignature line. Refused checkpoints that the log did sign are
 * kept as evidence (the spec allows logging them, "as it might be proof of log
 * misbehavior").
 */
import { cosignCheckpoint, type NoteSigner } from '../ledger/index.ts';
import {
  bytesEqual,
  decodeCosignature,
  type Ed25519NoteVerifier,
  emptyRoot,
  fromBase64,
  type OpenedCheckpoint,
  openCheckpoint,
  parseNote,
  toBase64,
  VerifyError,
  verifyConsistency,
} from '../ledger/verifier/index.ts';
import {
  formatSize,
  ProtocolError,
  parseAddCheckpoint,
  TLOG_SIZE_CONTENT_TYPE,
} from './protocol.ts';
import { type LogState, StateError, type WitnessStore } from './state.ts';

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
}

export interface WitnessOptions {
  /** The witness's own key (its name is the witness's name). */
  signer: NoteSigner;
  /** The log keys it trusts; each key's name is its log's origin (tlog-checkpoint). */
  logKeys: readonly Ed25519NoteVerifier[];
  store: WitnessStore;
  /** POSIX seconds now (tests pin it). */
  now?: () => number;
}

const TEXT = 'text/plain; charset=utf-8';
const answer = (status: WitnessAnswer['status'], body: string, contentType = TEXT) => ({
  status,
  contentType,
  body: body.endsWith('\n') ? body : `${body}\n`,
});

export class Witness {
  private readonly signer: NoteSigner;
  private readonly logKeys: readonly Ed25519NoteVerifier[];
  private readonly store: WitnessStore;
  private readonly now: () => number;
  /** Per origin, the tail of a chain of requests: check-then-persist is atomic per log. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private lastTimestamp = 0;

  constructor(opts: WitnessOptions) {
    this.signer = opts.signer;
    this.logKeys = opts.logKeys;
    this.store = opts.store;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    // A state that no trusted key vouches for would let a forged file steer us.
    for (const origin of this.store.origins()) {
      const st = this.store.get(origin)!;
      const keys = this.keysFor(origin);
      if (keys.length === 0) continue; // a log no longer configured: kept, not served
      const cp = this.open(st.checkpoint, keys);
      if (!cp || cp.size !== st.size || toBase64(cp.rootHash) !== st.rootHash)
        throw new StateError(`the saved checkpoint of ${origin} does not verify with its log key`);
      // Timestamps continue from the last cosignature, even if the clock went back.
      const line = parseNote(`${parseNote(st.checkpoint).text}\n${st.cosignature}`).signatures[0];
      const ts = line ? decodeCosignature(line.signature)?.timestamp : undefined;
      if (ts !== undefined) this.lastTimestamp = Math.max(this.lastTimestamp, ts);
    }
  }

  get name(): string {
    return this.signer.name;
  }

  private keysFor(origin: string): Ed25519NoteVerifier[] {
    return this.logKeys.filter((k) => k.name === origin);
  }

  private open(note: string, keys: Ed25519NoteVerifier[]): OpenedCheckpoint | null {
    for (const k of keys) {
      try {
        return openCheckpoint(note, k);
      } catch (e) {
        if (!(e instanceof VerifyError)) throw e;
      }
    }
    return null;
  }

  /** The logs this witness has cosigned for. */
  origins(): string[] {
    return this.store.origins();
  }

  /** The latest cosigned checkpoint of a log with our cosignature (monitoring), or null. */
  cosigned(origin: string): string | null {
    const st = this.store.get(origin);
    return st ? `${st.checkpoint}${st.cosignature}` : null;
  }

  /** Handles one add-checkpoint request body. */
  async addCheckpoint(body: string): Promise<WitnessAnswer> {
    let req: ReturnType<typeof parseAddCheckpoint>;
    let origin: string;
    try {
      req = parseAddCheckpoint(body);
      const note = parseNote(req.checkpoint);
      origin = note.text.slice(0, note.text.indexOf('\n'));
    } catch (e) {
      if (e instanceof ProtocolError || e instanceof VerifyError) return answer(400, e.message);
      throw e;
    }
    const keys = this.keysFor(origin);
    if (keys.length === 0) return answer(404, 'unknown log origin');
    let cp: OpenedCheckpoint | null = null;
    let why = 'no valid signature by the log key';
    for (const k of keys) {
      try {
        cp = openCheckpoint(req.checkpoint, k);
        break;
      } catch (e) {
        if (!(e instanceof VerifyError)) throw e;
        if (e.code === 'MALFORMED_CHECKPOINT' || e.code === 'MALFORMED_NOTE')
          return answer(400, e.message);
        why = e.message;
      }
    }
    if (!cp) return answer(403, why);
    if (req.oldSize > cp.size)
      return answer(400, `old size ${req.oldSize} is larger than the checkpoint's ${cp.size}`);
    const checkpoint = cp;
    // Serialise per log: the spec requires checking the old size and persisting
    // the new checkpoint atomically, or two requests could roll the state back.
    const prev = this.queues.get(origin) ?? Promise.resolve();
    const run = prev.then(() => this.decide(origin, req, checkpoint, body));
    const tail = run.catch(() => undefined);
    this.queues.set(origin, tail);
    tail.then(() => {
      if (this.queues.get(origin) === tail) this.queues.delete(origin);
    });
    return run;
  }

  private async decide(
    origin: string,
    req: ReturnType<typeof parseAddCheckpoint>,
    cp: OpenedCheckpoint,
    body: string,
  ): Promise<WitnessAnswer> {
    const st = this.store.get(origin);
    const size = st?.size ?? 0;
    const root = st ? fromBase64(st.rootHash) : emptyRoot();
    // Same size, another root: two histories under one key, whatever old size was sent.
    if (st && cp.size === st.size && !bytesEqual(cp.rootHash, root)) {
      this.store.keepEvidence(origin, `fork: a second root for size ${cp.size}`, body, st);
      return answer(422, `a different root for size ${cp.size} than the one cosigned`);
    }
    if (req.oldSize !== size) {
      if (st && cp.size < st.size)
        this.store.keepEvidence(
          origin,
          `rollback: size ${cp.size} below the cosigned ${st.size}`,
          body,
          st,
        );
      return { status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: formatSize(size) };
    }
    if (cp.size === 0 && !bytesEqual(cp.rootHash, emptyRoot()))
      return answer(422, 'a checkpoint of size 0 must have the empty tree root');
    try {
      // verifyConsistency covers the spec's cases: old size 0 needs an empty
      // proof; equal sizes need an empty proof and the same root; else RFC 6962.
      verifyConsistency(req.oldSize, cp.size, root, cp.rootHash, req.proof);
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      this.store.keepEvidence(origin, `inconsistent: ${e.message}`, body, st);
      return answer(422, e.message);
    }
    // Timestamps never go backwards, even if the clock does.
    const timestamp = Math.max(this.now(), this.lastTimestamp);
    this.lastTimestamp = timestamp;
    const cosignature = await cosignCheckpoint(parseNote(cp.note).text, this.signer, timestamp);
    const next: LogState = {
      origin,
      size: cp.size,
      rootHash: toBase64(cp.rootHash),
      checkpoint: cp.note,
      cosignature,
    };
    // "The witness MUST persist the new checkpoint before responding."
    this.store.put(next);
    return answer(200, cosignature);
  }
}

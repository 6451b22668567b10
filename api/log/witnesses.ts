/**
 * The log's side of C2SP tlog-witness (https://c2sp.org/tlog-witness): each new
 * checkpoint goes to every configured witness with the size that witness last
 * cosigned and a consistency proof from it (read through LogReader), and the
 * cosignatures that come back are served with the checkpoint at /log/checkpoint
 * (C2SP tlog-cosignature: they are note signature lines beside the log's).
 *
 * A slow or dead witness never holds the log up: a round waits at most
 * `timeoutMs`, then the checkpoint is published with what arrived. Until a
 * round ends the previous cosigned checkpoint stays published (its tiles
 * remain readable: a tree's smaller partial tiles are still served). A witness
 * missing from the published checkpoint is asked again every `retryMs`, so one
 * that was down catches up once it is back, even if the log is idle.
 *
 * Each API node runs its own collector. Witnesses answer a second node's
 * request for a checkpoint they already cosigned with 409 and their size, and
 * the node retries from that size (an equal size and root is cosigned again).
 */
import type { LogReader } from '../../ledger/index.ts';
import {
  type CosignatureVerifier,
  parseCheckpointBody,
  parseCosignatureVerifierKey,
  parseNote,
  toBase64,
} from '../../ledger/verifier/index.ts';
import { formatAddCheckpoint, parseSize, TLOG_SIZE_CONTENT_TYPE } from '../../witness/protocol.ts';

export interface WitnessTarget {
  /** The witness's cosignature/v1 verifier key (type 0x04). */
  verifierKey: string;
  /** Its submission prefix; requests go to `${url}/add-checkpoint`. */
  url: string;
}

export interface WitnessCollectorOptions {
  store: Pick<LogReader, 'checkpoint' | 'consistencyProof'>;
  witnesses: readonly WitnessTarget[];
  /** Longest wait for one round of witnesses (default 3000 ms). */
  timeoutMs?: number;
  /** How often the newest checkpoint is looked at (default 200 ms). */
  pollMs?: number;
  /** How often a witness missing from the published checkpoint is asked again (default 2000 ms). */
  retryMs?: number;
  /** Where failures of single witnesses are reported. */
  onError?: (message: string) => void;
}

interface Witness {
  verifier: CosignatureVerifier;
  url: string;
  /** The size this witness last told us it has (0: unknown or never). */
  size: number;
  /** The last failure reported, so a dead witness is reported once, not every retry. */
  lastError: string | null;
}

interface Published {
  size: number;
  root: string;
  /** The checkpoint note as the log signed it. */
  note: string;
  /** Cosignature lines by witness key. */
  cosignatures: Map<string, string>;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/** What an add-checkpoint round asked of one witness came to. */
type Outcome = { line: string } | { skip: string };

export class WitnessCollector {
  private readonly witnesses: Witness[];
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly retryMs: number;
  private published: Published | null = null;
  private lastRound = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly opts: WitnessCollectorOptions) {
    this.witnesses = opts.witnesses.map((w) => ({
      verifier: parseCosignatureVerifierKey(w.verifierKey),
      url: w.url.replace(/\/+$/, ''),
      size: 0,
      lastError: null,
    }));
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.pollMs = opts.pollMs ?? 200;
    this.retryMs = opts.retryMs ?? 2000;
  }

  /**
   * The note /log/checkpoint serves: the newest checkpoint whose round ended,
   * with the cosignatures gathered; before any round ended, the newest
   * checkpoint alone; null for an empty log.
   */
  async current(): Promise<string | null> {
    const p = this.published;
    if (p) return `${p.note}${[...p.cosignatures.values()].join('')}`;
    return (await this.opts.store.checkpoint())?.note ?? null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.step();
      } catch (e) {
        this.opts.onError?.(`witnesses: ${e instanceof Error ? e.message : String(e)}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, this.pollMs);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  /** One look at the newest checkpoint: a round if it is new or a witness is missing. */
  async step(now = Date.now()): Promise<void> {
    const cp = await this.opts.store.checkpoint();
    if (!cp) return;
    const p = this.published;
    const isNew = !p || cp.size !== p.size || toBase64(cp.root) !== p.root;
    const missing = !isNew && p!.cosignatures.size < this.witnesses.length;
    if (isNew || (missing && now - this.lastRound >= this.retryMs)) await this.round(cp);
  }

  /** Asks the witnesses (those missing, for a checkpoint already published) and publishes. */
  async round(cp: { size: number; root: Uint8Array; note: string }): Promise<void> {
    this.lastRound = Date.now();
    const root = toBase64(cp.root);
    const same = this.published && this.published.size === cp.size && this.published.root === root;
    const have = same ? this.published!.cosignatures : new Map<string, string>();
    const ask = this.witnesses.filter((w) => !have.has(w.verifier.verifierKey));
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const body = parseNote(cp.note).text;
    parseCheckpointBody(body);
    const outcomes = await Promise.all(
      ask.map((w) =>
        this.ask(w, cp, body, deadline).catch((e): Outcome => {
          // undici says only "fetch failed"; the reason (ECONNREFUSED, …) is the cause.
          const cause = (e as { cause?: { message?: string } }).cause?.message;
          return { skip: cause ?? (e instanceof Error ? e.message : String(e)) };
        }),
      ),
    );
    const cosignatures = new Map(have);
    ask.forEach((w, i) => {
      const o = outcomes[i]!;
      if ('line' in o) {
        cosignatures.set(w.verifier.verifierKey, o.line);
        w.lastError = null;
        return;
      }
      const message = `witness ${w.verifier.name} (${w.url}): ${o.skip}`;
      if (message !== w.lastError) this.opts.onError?.(message);
      w.lastError = message;
    });
    // Keep the configured order, so the served note does not change with timing.
    const ordered = new Map<string, string>();
    for (const w of this.witnesses) {
      const line = cosignatures.get(w.verifier.verifierKey);
      if (line) ordered.set(w.verifier.verifierKey, line);
    }
    // Never replace a newer publication with an older one (a slow round).
    if (this.published && this.published.size > cp.size) return;
    this.published = { size: cp.size, root, note: cp.note, cosignatures: ordered };
  }

  private async ask(
    w: Witness,
    cp: { size: number; note: string },
    body: string,
    signal: AbortSignal,
  ): Promise<Outcome> {
    // At most two tries: the size we believe the witness has, then the one it says.
    for (let attempt = 0; attempt < 2; attempt++) {
      const old = w.size;
      if (old > cp.size)
        return { skip: `the witness has size ${old}, ahead of this checkpoint (${cp.size})` };
      const proof =
        old === 0 || old === cp.size ? [] : await this.opts.store.consistencyProof(old, cp.size);
      const res = await fetch(`${w.url}/add-checkpoint`, {
        method: 'POST',
        body: formatAddCheckpoint({ oldSize: old, proof, checkpoint: cp.note }),
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        signal,
      });
      // A cosignature line is ~130 bytes; a larger answer is not read.
      if (Number(res.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) {
        await res.body?.cancel();
        return { skip: `HTTP ${res.status} with an answer over ${MAX_ANSWER_BYTES} bytes` };
      }
      const text = await res.text();
      if (
        res.status === 409 &&
        res.headers.get('content-type')?.startsWith(TLOG_SIZE_CONTENT_TYPE)
      ) {
        w.size = parseSize(text);
        continue;
      }
      if (res.status !== 200) return { skip: `HTTP ${res.status}: ${text.trim().slice(0, 200)}` };
      // tlog-witness: "The client MUST ignore any cosignatures from unknown keys."
      const line = text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => `${l}\n`)
        .find((l) => this.validLine(w.verifier, body, l));
      if (!line) return { skip: 'no valid cosignature by its key in the answer' };
      w.size = cp.size;
      return { line };
    }
    return { skip: `the witness's size kept changing (now ${w.size})` };
  }

  private validLine(v: CosignatureVerifier, body: string, line: string): boolean {
    try {
      const [sig] = parseNote(`${body}\n${line}`).signatures;
      return (
        sig !== undefined &&
        sig.name === v.name &&
        sig.keyId === v.keyId &&
        v.timestampOf(body, sig.signature) !== null
      );
    } catch {
      return false;
    }
  }
}

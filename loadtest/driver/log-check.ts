/**
 * The log under load (CONVENTIONS.md §10, Tessera's hammer): during the run,
 * every checkpoint polled is signed by the log's key, never smaller than the
 * one before, and consistent with it (RFC 9162 §2.1.4 proof from
 * /v1/proofs/consistency); after the run, the whole log verifies from its tiles
 * (ledger/verifier verifyLog), every 201 receipt's leaf hash is in a verified
 * level-0 tile (else it is a lost write), and a sample of them is proven
 * included through /v1/proofs/inclusion against the verified root.
 */
import {
  fromBase64,
  type Hash,
  openCheckpoint,
  parseTilePath,
  toBase64,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
} from '../../ledger/verifier/index.ts';
import { timed, timedResending } from './http.ts';
import type { Receipt } from './workload.ts';

export interface LogReport {
  /** Checkpoints polled during the run. */
  checkpoints: number;
  /** Consistency proofs between successive checkpoints, each verified. */
  consistencyChecks: number;
  firstSize: number;
  lastSize: number;
  /** Whole-log verifications after the run (one per wait for integration). */
  verifications: number;
  /** Receipts proven through /v1/proofs/inclusion. */
  inclusionChecks: number;
  lostWrites: number;
  /** What failed; empty when the log held. */
  failures: string[];
}

async function getBytes(base: string, path: string): Promise<Uint8Array | null> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(30_000) });
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${path}: HTTP ${res.status}`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

export class LogWatcher {
  readonly report: LogReport = {
    checkpoints: 0,
    consistencyChecks: 0,
    firstSize: 0,
    lastSize: 0,
    verifications: 0,
    inclusionChecks: 0,
    lostWrites: 0,
    failures: [],
  };
  #last: { size: number; root: Hash } | null = null;
  /** `--chaos`: a poll that gets no answer (its worker killed) is sent again this often. */
  resend = 0;

  private constructor(
    private readonly base: string,
    readonly key: string,
  ) {}

  static async open(base: string): Promise<LogWatcher> {
    const key = await timed(base, 'GET', '/log/key');
    if (key.status !== 200) throw new Error(`GET /log/key answered ${key.status}`);
    const w = new LogWatcher(base, key.text.trim());
    await w.poll();
    w.report.firstSize = w.#last?.size ?? 0;
    return w;
  }

  #fail(why: string): void {
    if (this.report.failures.length < 20) this.report.failures.push(why);
  }

  /** One checkpoint: signed, not smaller, consistent with the last one. */
  async poll(): Promise<void> {
    try {
      const a = await timedResending(this.resend, this.base, 'GET', '/log/checkpoint');
      if (a.status !== 200) return this.#fail(`GET /log/checkpoint answered ${a.status}`);
      const cp = openCheckpoint(a.text, this.key);
      this.report.checkpoints++;
      const prev = this.#last;
      if (prev && cp.size < prev.size)
        return this.#fail(`the checkpoint shrank from ${prev.size} to ${cp.size}`);
      if (prev && prev.size > 0 && cp.size > prev.size) {
        const p = await timedResending(
          this.resend,
          this.base,
          'GET',
          `/v1/proofs/consistency?from=${prev.size}&to=${cp.size}`,
        );
        if (p.status !== 200)
          return this.#fail(`consistency ${prev.size}→${cp.size} answered ${p.status}`);
        const path = (JSON.parse(p.text) as { path: string[] }).path.map(fromBase64);
        verifyConsistency(prev.size, cp.size, prev.root, cp.rootHash, path);
        this.report.consistencyChecks++;
      }
      this.#last = { size: cp.size, root: cp.rootHash };
      this.report.lastSize = cp.size;
    } catch (e) {
      this.#fail(`checkpoint: ${(e as Error).message}`);
    }
  }

  /**
   * After the run: verifies the whole log until every receipt is in it or
   * `timeoutMs` passes; the receipts still missing are lost writes. Then proves
   * up to `sample` receipts through the public inclusion-proof endpoint.
   */
  async settle(receipts: readonly Receipt[], timeoutMs: number, sample = 50): Promise<LogReport> {
    const deadline = Date.now() + timeoutMs;
    let missing: Receipt[] = [...receipts];
    let index = new Map<string, number>();
    let size = 0;
    let root: Hash | null = null;
    for (;;) {
      const leaves = new Map<number, Uint8Array>();
      try {
        const v = await verifyLog({
          verifierKey: this.key,
          ...(this.#last ? { previous: { size: this.#last.size, rootHash: this.#last.root } } : {}),
          fetch: async (path) => {
            const bytes = await getBytes(this.base, `/log/${path}`);
            if (bytes && path.startsWith('tile/0/')) leaves.set(parseTilePath(path).index, bytes);
            return bytes;
          },
        });
        this.report.verifications++;
        size = v.size;
        root = v.rootHash;
        this.#last = { size, root };
        this.report.lastSize = size;
      } catch (e) {
        this.#fail(`the log does not verify: ${(e as Error).message}`);
        break;
      }
      index = new Map();
      for (const [n, bytes] of leaves)
        for (let i = 0; i * 32 < bytes.length; i++)
          index.set(toBase64(bytes.subarray(i * 32, i * 32 + 32)), n * 256 + i);
      missing = missing.filter((r) => !index.has(r.entryHash));
      if (missing.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    this.report.lostWrites = missing.length;
    for (const r of missing.slice(0, 5))
      this.#fail(`lost write: ${r.subject} v${r.seq} (${r.entryHash}) is not in the log`);
    if (root) await this.#proveSome(receipts, index, size, root, sample);
    return this.report;
  }

  async #proveSome(
    receipts: readonly Receipt[],
    index: Map<string, number>,
    size: number,
    root: Hash,
    sample: number,
  ): Promise<void> {
    const step = Math.max(1, Math.floor(receipts.length / sample));
    for (let k = 0; k < receipts.length; k += step) {
      const r = receipts[k]!;
      const i = index.get(r.entryHash);
      if (i === undefined) continue;
      const a = await timedResending(
        this.resend,
        this.base,
        'GET',
        `/v1/proofs/inclusion?index=${i}&size=${size}`,
      );
      try {
        if (a.status !== 200) throw new Error(`answered ${a.status}`);
        const path = (JSON.parse(a.text) as { path: string[] }).path.map(fromBase64);
        verifyInclusion(fromBase64(r.entryHash), i, size, path, root);
        this.report.inclusionChecks++;
      } catch (e) {
        this.#fail(`inclusion of ${r.subject} v${r.seq} at ${i}: ${(e as Error).message}`);
      }
    }
  }
}

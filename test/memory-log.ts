/**
 * A small signed log held in memory, for the witness tests: leaves, RFC 9162
 * roots and consistency proofs (ledger/merkle.ts over an in-memory NodeReader),
 * and checkpoints signed with a log key. Two MemoryLogs with the same key and
 * different leaves are a fork.
 */
import {
  consistencyProof,
  ed25519Signer,
  leafHash,
  type NoteSigner,
  perfectRoot,
  signNote,
  treeRoot,
  verifierKeyOf,
} from '../ledger/index.ts';
import { formatCheckpointBody, type Hash, utf8 } from '../ledger/verifier/index.ts';

export class MemoryLog {
  readonly leaves: Hash[] = [];
  readonly signer: NoteSigner;

  constructor(
    readonly origin: string,
    seed: number,
  ) {
    this.signer = ed25519Signer(origin, new Uint8Array(32).fill(seed));
  }

  get vkey(): string {
    return verifierKeyOf(this.signer);
  }

  get size(): number {
    return this.leaves.length;
  }

  append(n: number, tag = 'a'): this {
    for (let i = 0; i < n; i++) this.leaves.push(leafHash(utf8(`${tag}-${this.leaves.length}`)));
    return this;
  }

  private reader() {
    return {
      nodes: async (ids: readonly { level: number; index: number }[]) =>
        ids.map(({ level, index }) =>
          perfectRoot(this.leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
        ),
    };
  }

  root(size = this.size): Promise<Hash> {
    return treeRoot(size, this.reader());
  }

  async checkpoint(size = this.size, signer: NoteSigner = this.signer): Promise<string> {
    return signNote(
      formatCheckpointBody({ origin: this.origin, size, rootHash: await this.root(size) }),
      [signer],
    );
  }

  proof(from: number, to = this.size): Promise<Hash[]> {
    if (from === 0 || from === to) return Promise.resolve([]);
    return consistencyProof(from, to, this.reader());
  }
}

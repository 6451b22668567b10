/**
 * RFC 9162 §2.1.4 consistency proofs (RFC 6962 §2.1.2): the CCTV vectors, the
 * tlog-go golden proofs, proofs generated for every pair of sizes ≤ 40 from the
 * §2.1.4.1 definition, and wrong-typed arguments.
 */
import { describe, expect, it } from 'vitest';
import { loadVector } from '../../test/vectors.ts';
import {
  emptyRoot,
  fromBase64,
  leafHash,
  rootOfHashes,
  utf8,
  VerifyError,
  verifyConsistency,
} from './index.ts';

const load = loadVector;
const b64 = (s: string) => fromBase64(s);

interface ConsistencyCase {
  old_size: number;
  new_size: number;
  old_root: string;
  new_root: string;
  consistency_path: string[];
  comment?: string;
}

const cctvValid: ConsistencyCase[] = load('rfc6962-cctv/consistency-valid.json');
const cctvInvalid: ConsistencyCase[] = load('rfc6962-cctv/consistency-invalid.json');
const tlogGo: ConsistencyCase[] = load('tlog-go/log.json').consistency;

const run = (c: ConsistencyCase) =>
  verifyConsistency(
    c.old_size,
    c.new_size,
    b64(c.old_root),
    b64(c.new_root),
    c.consistency_path.map(b64),
  );

function expectBadProof(f: () => unknown) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code).toBe('BAD_PROOF');
    return;
  }
  throw new Error('expected BAD_PROOF');
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), as a reference independent of the verifier. */
function subproof(m: number, leaves: Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [rootOfHashes(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m <= k) return [...subproof(m, leaves.slice(0, k), b), rootOfHashes(leaves.slice(k))];
  return [...subproof(m - k, leaves.slice(k), false), rootOfHashes(leaves.slice(0, k))];
}

describe('RFC 9162 §2.1.4.2 consistency verification', () => {
  it.each(cctvValid.map((c) => [`${c.old_size}→${c.new_size}`, c] as const))(
    'accepts CCTV valid proof %s',
    (_, c) => expect(() => run(c)).not.toThrow(),
  );

  it.each(
    cctvInvalid.map((c, i) => [`#${i} ${c.old_size}→${c.new_size} (${c.comment})`, c] as const),
  )('rejects CCTV invalid proof %s', (_, c) => expectBadProof(() => run(c)));

  it.each(tlogGo.map((c) => [`${c.old_size}→${c.new_size}`, c] as const))(
    'accepts tlog-go proof %s and rejects it with a root, the old size or the path changed',
    (_, c) => {
      expect(() => run(c)).not.toThrow();
      expectBadProof(() => run({ ...c, old_root: c.new_root }));
      expectBadProof(() => run({ ...c, new_root: c.old_root }));
      expectBadProof(() => run({ ...c, old_size: c.old_size + 1 }));
      // (new_size + 1 can verify too: the algorithm only sees the new tree's shape
      // along the old tree's right edge, and the roots are what is signed.)
      expectBadProof(() => run({ ...c, consistency_path: c.consistency_path.slice(1) }));
      expectBadProof(() =>
        run({ ...c, consistency_path: [...c.consistency_path, c.consistency_path[0]!] }),
      );
    },
  );

  it('accepts every generated proof for sizes ≤ 40 and rejects every mutation', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(utf8(`leaf ${i}`)));
    const roots = Array.from({ length: 41 }, (_, n) => rootOfHashes(leaves.slice(0, n)));
    for (let n = 0; n <= 40; n++) {
      for (let m = 0; m <= n; m++) {
        const p = m === 0 || m === n ? [] : subproof(m, leaves.slice(0, n), true);
        verifyConsistency(m, n, roots[m]!, roots[n]!, p);
        if (m > 0 && m < n) {
          expectBadProof(() => verifyConsistency(m, n, roots[m]!, roots[n]!, p.slice(0, -1)));
          expectBadProof(() => verifyConsistency(m, n, roots[m]!, roots[n]!, [...p, roots[n]!]));
          const q = p.map((h) => h.slice());
          q[0]![0]! ^= 1;
          expectBadProof(() => verifyConsistency(m, n, roots[m]!, roots[n]!, q));
          expectBadProof(() => verifyConsistency(m - 1, n, roots[m - 1]!, roots[n]!, p));
          expectBadProof(() => verifyConsistency(m, n, roots[m - 1]!, roots[n]!, p));
        }
        if (m !== n) expectBadProof(() => verifyConsistency(n, m, roots[n]!, roots[m]!, p));
      }
    }
  });

  it('the empty tree is consistent with any tree only under the empty root', () => {
    const r1 = leafHash(utf8('a'));
    verifyConsistency(0, 1, emptyRoot(), r1, []);
    expectBadProof(() => verifyConsistency(0, 1, r1, r1, []));
    expectBadProof(() => verifyConsistency(0, 1, emptyRoot(), r1, [r1]));
    expectBadProof(() => verifyConsistency(0, 0, r1, r1, []));
    expectBadProof(() => verifyConsistency(1, 1, r1, r1, [r1]));
  });

  it('refuses wrong-typed arguments', () => {
    const h = emptyRoot();
    const bad: unknown[][] = [
      [0.5, 1, h, h, []],
      [-1, 1, h, h, []],
      [0, Number.NaN, h, h, []],
      [0, 2 ** 53, h, h, []],
      ['0', 1, h, h, []],
      [1n, 2n, h, h, [h]],
      [1, 2, h.subarray(1), h, [h]],
      [1, 2, h, Array.from(h), [h]],
      [1, 2, h, h, null],
      [1, 2, h, h, [new Uint8Array(0)]],
      [1, 2, h, h, Array.from({ length: 65 }, () => h)],
    ];
    for (const args of bad)
      expectBadProof(() => (verifyConsistency as (...a: unknown[]) => void)(...args));
  });
});

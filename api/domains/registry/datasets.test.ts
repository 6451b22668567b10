// The dataset hash of README.md "Dataset entries": SHA-256 over the RFC 8785 JSON
// of the rows sorted by their own canonical JSON. The fast paths (JSON.stringify
// of key-sorted rows, hand-written TPS rows, skipping the sort of sorted input)
// must give the very bytes of the general canonicalize().
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalize } from '../../../ledger/index.ts';
import {
  areaJson,
  candidateJson,
  dapilJson,
  digestCanonical,
  digestElection,
  digestRows,
  pairJson,
  partyJson,
  rowCanonical,
  tpsCanonical,
} from './datasets.ts';
import { generateElection } from './index.ts';

const e = generateElection({ scale: 'province', seed: 'datasets' });

function specDigest(rows: readonly object[]): string {
  const sorted = [...rows].sort((a, b) => (canonicalize(a) < canonicalize(b) ? -1 : 1));
  return createHash('sha256').update(canonicalBytes(sorted)).digest('hex');
}

describe('dataset digests', () => {
  it('rowCanonical is RFC 8785 for every row kind', () => {
    const rows = [
      ...e.areas.map(areaJson),
      ...e.dapil.map(dapilJson),
      ...e.parties.map(partyJson),
      ...e.candidates.map(candidateJson),
      ...e.pairs.map(pairJson),
      { code: '31', level: 'provinsi', name: 'Jåkarta "Raya" \\ \u2028 é 😀 \u001f', parent: 'ID' },
      { number: 1, president: '<>&', vicePresident: '\u00e9\u0301' },
    ];
    for (const r of rows) expect(rowCanonical(r)).toBe(canonicalize(r));
  });

  it('falls back to canonicalize for rows the fast path cannot vouch for', () => {
    expect(rowCanonical({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(() => rowCanonical({ name: '\ud800' })).toThrow(/surrogate/i);
    expect(() => rowCanonical({ n: 2 ** 60 })).not.toThrow();
  });

  it('TPS rows are written exactly as canonicalize writes {code, dpt}', () => {
    const fast = tpsCanonical(e.tps);
    let slot = 0;
    const slow: string[] = [];
    e.tps.desa.forEach((desa, i) => {
      for (let n = 1; n <= e.tps.count[i]!; n++)
        slow.push(
          canonicalize({ code: desa + String(n).padStart(3, '0'), dpt: e.tps.dpt[slot++]! }),
        );
    });
    expect(fast).toEqual(slow);
  });

  it('every dataset’s sha256 is the spec’s, whatever the input order', () => {
    const digests = digestElection(e);
    const byName = Object.fromEntries(digests.map((d) => [d.dataset, d]));
    expect(byName.areas).toEqual({
      dataset: 'areas',
      rows: e.areas.length,
      sha256: specDigest(e.areas.map(areaJson)),
    });
    expect(byName.candidates!.sha256).toBe(specDigest(e.candidates.map(candidateJson)));
    expect(byName.dapil!.sha256).toBe(specDigest(e.dapil.map(dapilJson)));
    expect(byName.tps!.sha256).toBe(specDigest(tpsCanonical(e.tps).map((s) => JSON.parse(s))));
    const reversed = digestRows('candidates', [...e.candidates].reverse(), candidateJson);
    expect(reversed).toEqual(byName.candidates);
    expect(digestCanonical('pairs', [])).toEqual({
      dataset: 'pairs',
      rows: 0,
      sha256: createHash('sha256').update('[]').digest('hex'),
    });
  });
});

/**
 * A user's clone has only this repository: no source or test may read a file
 * outside it (the spec vectors live in test/vectors/, issue #10).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', '.git', '.saksi', 'bench-results']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (SKIP.has(d.name) || d.name.startsWith('.')) return [];
    const p = join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.(ts|js|mjs|cjs|json)$/.test(d.name) ? [p] : [];
  });
}

describe('the repository is self-contained', () => {
  it('no source or test names a path outside the repository (../shared)', () => {
    const offenders = sources(ROOT)
      .filter((f) => /\.\.\/shared\b/.test(readFileSync(f, 'utf8')))
      .filter((f) => !f.endsWith('no-outside-files.test.ts'))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('the spec vectors are inside the repository, each with its licence', () => {
    const dir = join(ROOT, 'test/vectors');
    for (const set of ['rfc6962-cctv', 'tlog-go']) {
      const files = readdirSync(join(dir, set));
      expect(files).toContain('LICENSE');
      expect(files).toContain('SOURCE.md');
    }
  });
});

/**
 * The form checks are pure (no I/O, clock or randomness), like determination/:
 * the same form always gets the same verdict on any machine, so an observer who
 * re-runs them on a published form gets the flags the platform recorded.
 *
 * Sources here import each other, and outside this folder only the one definition
 * of the contests and of area/TPS codes (docs/rules.md) — each of which is held to
 * the same purity, with everything it imports in turn.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = import.meta.dirname;
const ROOT = resolve(DIR, '../../../..');
const sources = readdirSync(DIR).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'fixtures.ts',
);
/** The modules outside this folder that forms may import (paths from the repository root). */
const OUTSIDE = new Set(['api/domains/registry/contests.ts', 'policies/areas.ts']);

const specifiers = (text: string) =>
  [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

function assertPure(file: string): void {
  const text = readFileSync(file, 'utf8');
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const name = relative(ROOT, file);
  for (const banned of [/\bDate\b/, /Math\.random/, /\bprocess\b/, /\bfetch\(/, /\bnode:/])
    expect(code, `${name} uses ${banned}`).not.toMatch(banned);
}

/** Every module `file` reaches, itself included; each must be a relative .ts import. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const s of specifiers(readFileSync(file, 'utf8'))) {
    expect(s, `${relative(ROOT, file)} imports ${s}`).toMatch(/^\.\.?\/[a-zA-Z0-9/._-]+\.ts$/);
    expect(s, `${relative(ROOT, file)} imports test data`).not.toMatch(/fixture/);
    closure(resolve(dirname(file), s), seen);
  }
  return seen;
}

describe('forms purity boundary', () => {
  it.each(sources)('%s imports only ./*.ts and touches no I/O, clock or randomness', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    for (const s of specifiers(text)) {
      const target = relative(ROOT, resolve(DIR, s));
      if (!OUTSIDE.has(target))
        expect(s, `${file} imports ${s}`).toMatch(/^\.\/(?!fixtures)[a-z0-9-]+\.ts$/);
    }
    assertPure(join(DIR, file));
  });

  it.each([...OUTSIDE])('%s, and all it imports, is pure too', (file) => {
    for (const f of closure(join(ROOT, file))) assertPure(f);
  });
});

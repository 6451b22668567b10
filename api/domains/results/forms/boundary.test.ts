/**
 * The form checks are pure (no I/O, clock or randomness), like determination/:
 * the same form always gets the same verdict on any machine, so an observer who
 * re-runs them on a published form gets the flags the platform recorded. The
 * payload and the versioned checks live in the observer's verifier, which this
 * folder re-exports (its own boundary test holds it to the same rule).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = import.meta.dirname;
const sources = readdirSync(DIR).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'fixtures.ts',
);

describe('forms purity boundary', () => {
  it.each(sources)(
    '%s imports only ./*.ts, the verifier, and no I/O, clock or randomness',
    (file) => {
      const text = readFileSync(join(DIR, file), 'utf8');
      for (const [, s] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g))
        expect(s, `${file} imports ${s}`).toMatch(
          /^(?:\.\/(?!fixtures)[a-z0-9-]+\.ts|\.\.\/\.\.\/\.\.\/\.\.\/ledger\/verifier\/results\/index\.ts)$/,
        );
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const banned of [/\bDate\b/, /Math\.random/, /\bprocess\b/, /\bfetch\(/, /\bnode:/])
        expect(code, `${file} uses ${banned}`).not.toMatch(banned);
    },
  );
});

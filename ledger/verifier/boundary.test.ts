/**
 * The verifier's rule (ARCHITECTURE.md, CONVENTIONS.md §2): everything under
 * ledger/verifier/ runs unchanged in a browser, so its sources import only each
 * other, @noble/hashes and @noble/curves, and use no Node built-ins.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('verifier import boundary', () => {
  it.each(sources)('%s imports only ./*.ts, @noble/hashes and @noble/curves', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
    for (const s of specifiers)
      expect(s, `${file} imports ${s}`).toMatch(
        /^(?:\.\/[a-z0-9-]+\.ts|@noble\/(?:hashes|curves)\/[a-z0-9]+\.js)$/,
      );
    // Comments may name what is avoided ("no Buffer"); code may not use it.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const banned of [/\bBuffer\b/, /\bprocess\b/, /\brequire\(/, /\bnode:/])
      expect(code, `${file} uses ${banned}`).not.toMatch(banned);
  });
});

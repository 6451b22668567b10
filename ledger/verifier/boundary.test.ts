/**
 * The verifier's rule (ARCHITECTURE.md, CONVENTIONS.md §2): everything under
 * ledger/verifier/ runs unchanged in a browser, so its sources import only each
 * other, @noble/hashes and @noble/curves, and use no Node built-ins. The
 * observer's results verifier (./results/) is held to the same rule: it may
 * import its own files and the log verifier's, nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = dirname(fileURLToPath(import.meta.url));
const sourcesIn = (sub: string) =>
  readdirSync(join(DIR, sub))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(sub, f));
const sources = [
  ...sourcesIn('.'),
  ...sourcesIn('results'),
  ...sourcesIn('voters'),
  ...sourcesIn('finance'),
];
const NOBLE = String.raw`@noble\/(?:hashes|curves)\/[a-z0-9]+\.js`;
const FILE = String.raw`[a-z0-9-]+\.ts`;
/** What a file may import, by folder: the log verifier only itself; results also the log verifier. */
const ALLOWED: Record<string, RegExp> = {
  '.': new RegExp(`^(?:\\./${FILE}|${NOBLE})$`),
  results: new RegExp(`^(?:\\.\\.?/${FILE}|${NOBLE})$`),
  voters: new RegExp(`^(?:\\.\\.?/${FILE}|${NOBLE})$`),
  finance: new RegExp(`^(?:\\.\\.?/${FILE}|${NOBLE})$`),
};

describe('verifier import boundary', () => {
  it('covers the results verifier', () => {
    expect(sources).toContain(join('results', 'verify.ts'));
  });
  it.each(sources)('%s imports only the verifier, @noble/hashes and @noble/curves', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
    for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(ALLOWED[dirname(file)]!);
    // Comments may name what is avoided ("no Buffer"); code may not use it.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const banned of [/\bBuffer\b/, /\bprocess\b/, /\brequire\(/, /['"`]node:/])
      expect(code, `${file} uses ${banned}`).not.toMatch(banned);
  });
});

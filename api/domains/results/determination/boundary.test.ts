/**
 * The rules are pure (the issue: "pure, tested functions, no I/O"): sources here
 * import only each other and use no clock, randomness, environment or network,
 * so the same recap always determines the same result, on any machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('determination purity boundary', () => {
  it.each(sources)('%s imports only ./*.ts and touches no I/O, clock or randomness', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
    for (const s of specifiers) {
      expect(s, `${file} imports ${s}`).toMatch(/^\.\/[a-z0-9-]+\.ts$/);
      expect(s, `${file} imports test data`).not.toMatch(/fixture/);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const banned of [
      /\bDate\b/,
      /Math\.random/,
      /\bprocess\b/,
      /\bfetch\(/,
      /\brequire\(/,
      /\bnode:/,
    ]) {
      expect(code, `${file} uses ${banned}`).not.toMatch(banned);
    }
  });
});

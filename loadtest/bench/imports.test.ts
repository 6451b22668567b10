/**
 * "Benchmarks that claim to measure the HTTP path import nothing from `api/`
 * except what they state" (issue #9): every benchmark file lists, in its header
 * comment, each `api/` module it imports and why (setup, the driver's signing,
 * an in-process measurement — never the measured path, which is the server
 * process). This test parses each file's imports, static and dynamic, and fails
 * if one imports an `api/` module its header does not list, or lists one it
 * does not import (the list must stay exact).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = join(ROOT, 'loadtest', 'bench');

/** Every benchmark source: this folder (benches and their helpers) and the policy bench. */
const files = [
  ...readdirSync(BENCH)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join('loadtest', 'bench', f)),
  join('policies', 'bench.ts'),
];

/** Repository paths of the `api/` modules a file imports (`from '…'`, `import('…')`). */
function apiImports(file: string, text: string): string[] {
  const specs = [
    ...text.matchAll(/\bfrom\s+'([^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return [
    ...new Set(
      specs
        .filter((s) => s.startsWith('.'))
        .map((s) =>
          relative(ROOT, resolve(ROOT, dirname(file), s))
            .split('\\')
            .join('/'),
        )
        .filter((p) => p.startsWith('api/')),
    ),
  ].sort();
}

/** The `api/` modules a file's header comment lists, one `- api/…: why` line each. */
function listedInHeader(text: string): string[] {
  const header = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
  return [...header.matchAll(/^\s*\*\s+- (api\/\S+?):/gm)].map((m) => m[1]!).sort();
}

describe('benchmark imports from api/', () => {
  it('finds the benchmark files and their imports', () => {
    expect(files).toContain(join('loadtest', 'bench', 'results.bench.ts'));
    expect(files).toContain(join('loadtest', 'bench', 'api.bench.ts'));
    const text = readFileSync(join(ROOT, 'loadtest', 'bench', 'results.bench.ts'), 'utf8');
    expect(apiImports('loadtest/bench/results.bench.ts', text)).toContain(
      'api/domains/results/testing.ts',
    );
  });

  it('parses static and dynamic imports, and only api/ ones', () => {
    const text = [
      "import { a } from '../../api/x.ts';",
      "import type { B } from '../../api/y/z.ts';",
      "export { c } from '../../ledger/index.ts';",
      "const { d } = await import('../../api/index.ts');",
      "import pg from 'pg';",
    ].join('\n');
    expect(apiImports('loadtest/bench/f.ts', text)).toEqual([
      'api/index.ts',
      'api/x.ts',
      'api/y/z.ts',
    ]);
    expect(listedInHeader('/**\n * Imports:\n *   - api/x.ts: why\n */\nimport x;')).toEqual([
      'api/x.ts',
    ]);
    expect(listedInHeader('import x;\n/**\n *   - api/x.ts: why\n */')).toEqual([]);
  });

  it.each(files)('%s imports from api/ exactly what its header lists', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(apiImports(file, text), `${file}: header "- api/…:" lines vs. imports`).toEqual(
      listedInHeader(text),
    );
  });
});

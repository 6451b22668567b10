/**
 * One door out of the log (ARCHITECTURE.md "One door in, one door out"): outside
 * `ledger/`, nothing reads or writes the log's tables by SQL. Writers append
 * through the subject log (ledger/subject-log), readers read through LogReader
 * (ledger/log-reader.ts), both exported from ledger/index.ts; so the invariants
 * auditors rely on are enforced in one place. This test fails the build if a
 * source file outside `ledger/` names one of the tables.
 *
 * Tests may name them (they check what was stored). The benchmarks are held to
 * it too: they read the log over HTTP or through LogReader (loadtest/bench).
 */
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AREAS = ['api', 'cli', 'keys', 'policies', 'audit', 'loadtest'];
const TABLES = /\b(ledger_pending|ledger_entries|ledger_bundles)\b/;

function sources(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // an area that does not exist yet
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = AREAS.flatMap((a) => sources(join(ROOT, a))).map((f) => relative(ROOT, f));

describe('the log tables are named only inside ledger/', () => {
  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain(join('api', 'write', 'write-batch.ts'));
    expect(files).toContain(join('loadtest', 'bench', 'results.bench.ts'));
  });

  it.each(files)('%s does not name ledger_pending, ledger_entries or ledger_bundles', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const line = text.split('\n').findIndex((l) => TABLES.test(l));
    expect(line, `${file}:${line + 1} names a log table; use ledger/index.ts`).toBe(-1);
  });
});

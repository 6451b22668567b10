#!/usr/bin/env node
// `npm test`: the whole suite on the embedded PGlite, then again on the real
// PostgreSQL (ARCHITECTURE.md "Storage": one dialect, both exercised). Ends with
// one plain line "N passed, N failed" summing both runs, as CI reads it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extra = process.argv.slice(2);
const out = mkdtempSync(join(tmpdir(), 'saksi-test-'));
let passed = 0;
let failed = 0;
let ok = true;
for (const kind of ['pglite', 'postgres']) {
  console.log(`\n=== test suite on ${kind} ===\n`);
  const file = join(out, `${kind}.json`);
  const r = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${file}`,
      ...extra,
    ],
    { stdio: 'inherit', env: { ...process.env, SAKSI_TEST_DB: kind } },
  );
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    // A file that fails to load counts as a failure even though it ran no test.
    failed += report.testResults.filter(
      (t) => t.status === 'failed' && t.assertionResults.length === 0,
    ).length;
  } catch {
    failed += 1;
  }
  if (r.status !== 0) ok = false;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);

#!/usr/bin/env node
// `npm test`: the whole suite on the embedded PGlite, then again on the real
// PostgreSQL (ARCHITECTURE.md "Storage": one dialect, both exercised). Ends with
// one plain line "N passed, N failed" summing both runs, as CI reads it.
//
// Tests log nothing unless asked (vitest.config.ts sets SAKSI_LOG_LEVEL=silent):
// a structured log line among the results counts as one more failure, so a
// logger that ignores the level cannot creep back in. SAKSI_LOG_LEVEL=info
// npm test shows the logs and turns this check off.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const extra = process.argv.slice(2);
const out = mkdtempSync(join(tmpdir(), 'saksi-test-'));
const logsAsked = process.env.SAKSI_LOG_LEVEL !== undefined;
const LOG_LINE = /^\s*\{"level":/;

/** Runs vitest once; forwards its output and counts structured log lines in it. */
function runSuite(kind, file) {
  return new Promise((resolve) => {
    const child = spawn(
      'npx',
      [
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${file}`,
        ...extra,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SAKSI_TEST_DB: kind } },
    );
    let logLines = 0;
    for (const [stream, sink] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        if (LOG_LINE.test(line)) logLines++;
        sink.write(`${line}\n`);
      });
    }
    child.on('close', (status) => resolve({ status, logLines }));
  });
}

let passed = 0;
let failed = 0;
let ok = true;
for (const kind of ['pglite', 'postgres']) {
  console.log(`\n=== test suite on ${kind} ===\n`);
  const file = join(out, `${kind}.json`);
  const { status, logLines } = await runSuite(kind, file);
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
  if (logLines > 0 && !logsAsked) {
    console.log(
      `\n${logLines} structured log lines were printed on ${kind}: tests must log nothing unless asked`,
    );
    failed += 1;
  }
  if (status !== 0) ok = false;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);

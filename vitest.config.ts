import { defineConfig } from 'vitest/config';

// One suite, run twice by `npm test`: once on PGlite (embedded) and once on the
// real PostgreSQL (SAKSI_TEST_DB=postgres). See scripts/test-both.js.
// Test files that touch no database at all — the standalone verifier, the policy
// engine, the witness (files only), the seat determination, the load scenarios —
// give the same answer on either database: the PostgreSQL pass skips them. So do
// the portal's browser tests: what they test runs in Chromium, and the reads
// behind the pages are tested on both databases (api/portal/pages.test.ts). This
// keeps `npm test` (both passes) inside CI's time budget.
const DATABASE_FREE = [
  'ledger/verifier/**',
  'policies/**',
  'witness/**',
  'api/domains/results/determination/**',
  'loadtest/k6.test.ts',
  'loadtest/scenarios/**',
  'api/portal/*browser.test.ts',
];

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: [
      'node_modules/**',
      '.saksi/**',
      ...(process.env.SAKSI_TEST_DB === 'postgres' ? DATABASE_FREE : []),
    ],
    // Names this run's test databases and drops them afterwards, passed or not.
    globalSetup: ['test/global-setup.ts'],
    // Tests log nothing unless asked: `SAKSI_LOG_LEVEL=info npm test` shows the logs.
    env: { SAKSI_LOG_LEVEL: process.env.SAKSI_LOG_LEVEL ?? 'silent' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

// One suite, run twice by `npm test`: once on PGlite (embedded) and once on the
// real PostgreSQL (SAKSI_TEST_DB=postgres). See scripts/test-both.js.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.saksi/**'],
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

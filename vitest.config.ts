import { defineConfig } from 'vitest/config'

// Two projects: fast unit/integration tests (real SQLite files in temp folders, and a
// throwaway PostgreSQL server for the team-server store) and
// end-to-end tests (web mode in real Chromium), which run one file at a time.
/** Integration tests of what only the SQLite store has, or that run on both stores themselves. */
const SQLITE_ONLY = ['test/integration/pg*.test.ts', 'test/integration/storesCompare.test.ts']

export default defineConfig({
  test: {
    // In CI a JSON report too, from which .ci/run prints one closing 'N passed, N failed' line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          // One throwaway PostgreSQL for the run (test/support/postgres.ts); ATAX_SKIP_PG=1 skips its tests.
          globalSetup: ['test/support/postgres.ts'],
        },
      },
      {
        // The integration suite again, on PostgreSQL (test/support/tempDb.ts opens each test's
        // store there), but for what only the SQLite file store has (its file, migrations of old
        // files, locks, snapshots, the CLI's --db) and for the tests that run both stores already.
        test: {
          name: 'integration-pg',
          include: ['test/integration/**/*.test.ts'],
          exclude: SQLITE_ONLY,
          environment: 'node',
          testTimeout: 30_000,
          env: { ATAX_TEST_STORE: 'postgres' },
          globalSetup: ['test/support/postgres.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})

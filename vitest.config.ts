import { defineConfig } from 'vitest/config'

// Two projects: fast unit/integration tests (real SQLite files in temp folders, and a
// throwaway PostgreSQL server for the team-server store) and
// end-to-end tests (web mode in real Chromium), which run one file at a time.
/**
 * Integration tests that do not run again on PostgreSQL (the project `integration-pg`): they
 * run on both stores themselves, or test what only the SQLite file store has. (The CLI tests,
 * the engine host and the web server do run on both: test/support/testStore.ts gives them the
 * store as `--db FILE` or `--store URL`, and its URL to the engine host's workers.)
 */
const NOT_ON_PG = [
  // Both stores already.
  'test/integration/pg*.test.ts',
  'test/integration/storesCompare.test.ts',
  // The SQLite file: opening, damage, locks, migrations of old files, snapshots, statement counts.
  'test/integration/db.test.ts',
  'test/integration/dbFaults.test.ts',
  'test/integration/busyLock.test.ts',
  'test/integration/readModelIndexesMigration.test.ts',
  'test/integration/trashMigration.test.ts',
  'test/integration/upgradeQuarantine.test.ts',
  'test/integration/snapshots.test.ts',
  'test/integration/readModelBatches.test.ts',
  'test/integration/machineFaults.test.ts',
  // Rows that break the CHECK constraints: only an old SQLite file can hold them.
  'test/integration/badRows.test.ts',
  // Loopback web mode (`atax web`), which serves a local SQLite file only (refused on a
  // PostgreSQL store; its counterpart there is `atax --store URL serve`, in teamServer*.test.ts
  // and cliPush.test.ts): started for real, and the CLI client (--server) against it.
  'test/integration/cliRemote.test.ts',
  'test/integration/webStart.test.ts',
  // The team server on its SQLite file, over HTTP (its services run on PostgreSQL in audit.test.ts).
  'test/integration/auditTeamServer.test.ts',
]

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
      // The integration suite again, on PostgreSQL: test/support/tempDb.ts opens each test's
      // store there (ATAX_TEST_STORE=postgres). Not the files in NOT_ON_PG. ATAX_SKIP_PG=1: not at all.
      ...(process.env.ATAX_SKIP_PG === '1'
        ? []
        : [
            {
              test: {
                name: 'integration-pg',
                include: ['test/integration/**/*.test.ts'],
                exclude: NOT_ON_PG,
                environment: 'node',
                testTimeout: 30_000,
                env: { ATAX_TEST_STORE: 'postgres' },
                globalSetup: ['test/support/postgres.ts'],
              },
            },
          ]),
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

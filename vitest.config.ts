import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic beside the code; no services, files in parallel) and
// `integration` (test/: the real Redis Cluster, Kafka and ClickHouse that the global
// setup starts or reuses; files one after another because they share that stack).
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.redscope/test-results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**', '.redscope/**', 'dist/**', 'test/**'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.redscope/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests share one real stack; run files one after another.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    reporters: ['default', ['json', { outputFile: '.redscope/test-results.json' }]],
  },
});

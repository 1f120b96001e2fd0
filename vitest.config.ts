import { defineConfig } from 'vitest/config';

// Budgets for a busy 2-core machine (CI): a test is judged by what it checks, never by how fast the
// machine is. Tests that spawn the CLI or run many cases set their own, larger budgets.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary folder of the run inside one, removed when the run ends.
    globalSetup: ['test/temp-root.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two files at once on two cores; more only queues behind them and stretches every budget.
    maxWorkers: 2,
  },
});

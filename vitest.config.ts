import { defineConfig } from 'vitest/config';

/**
 * Three projects, all run by `npm test`:
 * - unit: pure code beside its source (nodes, engine, server routes in-process);
 * - integration: real PostgreSQL and a real Temporal dev server (see scripts/test.ts for how they start);
 * - e2e: Playwright driving Debian's Chromium against the running app.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{nodes,engine,server,workflows,editor,sandbox,trading}/**/*.test.{ts,tsx}', 'bench/{lib,peers}/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{server,workflows,engine,trading}/**/*.integration.test.ts'],
          // Starts PostgreSQL and Temporal when run directly; under `npm test` they are already up.
          globalSetup: ['scripts/vitest-services.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['scripts/vitest-services.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

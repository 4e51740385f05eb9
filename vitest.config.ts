import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'server/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Starting DuckDB-WASM in a beforeAll takes seconds, and several times that on a busy 2-core machine.
    hookTimeout: 60_000,
  },
});

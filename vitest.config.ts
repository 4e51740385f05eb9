import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests that render components are .test.tsx: tsconfig.app.json (JSX, DOM) type-checks them.
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'server/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Starting DuckDB-WASM in a beforeAll takes seconds, and several times that on a busy 2-core machine.
    hookTimeout: 60_000,
  },
});

import { defineConfig } from '@playwright/test';
// @ts-expect-error plain ESM helper shared with the CLI, no type declarations
import { findChromium } from './scripts/chromium.mjs';

const chromium = (findChromium as () => { path: string; source: string } | null)();
if (!chromium) throw new Error('No Chromium found: run `node scripts/chromium.mjs --ensure` (npm run test:e2e does).');

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Each test starts its own server and its own browser context (and so its own IndexedDB).
  fullyParallel: false,
  workers: 1,
  timeout: 120_000,
  // The first recompute waits for DuckDB to start: on a busy 2-core machine that alone took over 20 s.
  expect: { timeout: 45_000 },
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // The app registers a service worker that precaches ~75 MB; only e2e/offline.spec.ts lets it run,
    // so every other test loads the app straight from the server, as before.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: chromium.path,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});

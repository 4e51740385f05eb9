import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// In `vite` dev mode the stream and API come from `npm run serve` (port 8787).
const server = 'http://127.0.0.1:8787';

/** Largest file precached: each DuckDB build's .wasm is ~34 MB and both are needed offline (see docs/ARCHITECTURE.md, Offline). */
const MAX_PRECACHED_BYTES = 48 * 1024 * 1024;

export default defineConfig({
  plugins: [
    react(),
    // The service worker exists in builds only (`npm run dev` has none: no stale shell while editing).
    VitePWA({
      // A new version waits until the person chooses to reload (src/ui/offline/UpdatePrompt.tsx registers it).
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'lambda-workbench',
        short_name: 'λ workbench',
        description: 'The Lambda architecture in one browser tab: batch, speed and serving layers over an immutable log. Works offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#0f172a',
        theme_color: '#1e293b',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      workbox: {
        // Everything the app can load: the shell, both DuckDB builds (threaded for the engine when the
        // page is cross-origin isolated, single-threaded for reading dropped files in any case) and parquet-wasm.
        // (The manifest and its icons are added by the plugin itself.)
        globPatterns: ['**/*.{html,js,css,wasm}'],
        maximumFileSizeToCacheInBytes: MAX_PRECACHED_BYTES,
        // Any page address opens the app shell offline; the stream and the API are never the shell.
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/stream/, /^\/produce/],
        cleanupOutdatedCaches: true,
        // The first install takes the open page at once, so its later loads (DuckDB starts lazily) are
        // served from the cache; an update still waits for the prompt (skipWaiting stays off).
        clientsClaim: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    proxy: {
      '/api': server,
      '/stream': { target: server, ws: true },
    },
  },
});

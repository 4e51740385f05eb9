import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In `vite` dev mode the stream and API come from `npm run serve` (port 8787).
const server = 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react()],
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

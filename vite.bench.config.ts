import { defineConfig } from 'vite';

// The micro-benchmark page (bench/page), built apart from the app so the app ships without Perspective.
export default defineConfig({
  root: 'bench/page',
  base: './',
  build: { outDir: '../../dist-bench', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 10_000 },
  worker: { format: 'es' },
});

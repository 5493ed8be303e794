import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The editor lives in editor/ and builds into dist/, which the server serves. In development,
 * `npx vite` proxies /api to the server on port 3000 (or API_ORIGIN).
 *
 * Chunks: the first paint needs only React, the canvas (React Flow) and the app; each stays a chunk of
 * its own, under vite's 500 kB warning, so it caches across releases and parses in parallel. Monaco (the
 * custom node editor) and lightweight-charts load on first use through dynamic imports; Monaco's core is
 * cut into parts of at most ~450 kB rather than one 2.7 MB file. ELK runs in a web worker (an asset).
 */
export default defineConfig({
  root: 'editor',
  plugins: [react()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Monaco's modules import each other in cycles; cut into parts they must still run in import order
        // (without this the custom node editor fails: "n is not a constructor"). Measured against a build
        // without it: editor load and pan the same within this machine's noise (docs/benchmarks.md).
        strictExecutionOrder: true,
        codeSplitting: {
          groups: [
            // Vite's preload helper, which every lazy import uses; else it lands in whichever group claims it first.
            { name: 'preload', test: /vite[\\/]preload-helper/, priority: 4 },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, tags: ['$initial'], priority: 3 },
            { name: 'canvas', test: /node_modules[\\/](@xyflow|d3-[a-z]+|zustand|classcat|use-sync-external-store)[\\/]/, tags: ['$initial'], priority: 2 },
            { name: 'monaco', test: /node_modules[\\/]monaco-editor[\\/]/, maxSize: 450 * 1024, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      // '/api/' with the slash: a bare '/api' prefix would also swallow the module /api.ts.
      '/api/': { target: process.env.API_ORIGIN ?? 'http://localhost:3000', changeOrigin: true },
    },
  },
});

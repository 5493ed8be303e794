import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The editor lives in editor/ and builds into dist/, which the server serves. In development,
 * `npx vite` proxies /api to the server on port 3000 (or API_ORIGIN).
 */
export default defineConfig({
  root: 'editor',
  plugins: [react()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      // '/api/' with the slash: a bare '/api' prefix would also swallow the module /api.ts.
      '/api/': { target: process.env.API_ORIGIN ?? 'http://localhost:3000', changeOrigin: true },
    },
  },
});

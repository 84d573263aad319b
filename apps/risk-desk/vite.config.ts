import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The desk is served by the risk API at /desk (same origin); `vite` alone proxies /v1 to a local API. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/desk/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/risk-desk', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  server: { proxy: { '/v1': process.env.RISK_API_URL ?? 'http://127.0.0.1:3000' } },
});

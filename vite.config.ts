import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const renderer = fileURLToPath(new URL('renderer', import.meta.url));

/** The renderer: served by `serve` from dist/renderer, and loaded from files by the Electron shell (hence relative URLs). */
export default defineConfig({
  root: renderer,
  base: './',
  plugins: [react()],
  // One local bundle (React, recharts, i18next) loaded from loopback or disk: its size is no network cost.
  build: {
    outDir: fileURLToPath(new URL('dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
});

// `vite build web` -> web/dist, served by the server at `/`. `vite web` serves the inbox with
// reload and sends API and socket traffic to a running server (VITE_API_URL, default :3000).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.VITE_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': api,
      '/simulator': api,
      '/media': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});

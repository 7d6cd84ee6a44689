import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @iamroll/web` proxies the API of a controller on IAMROLL_API_URL
// (default http://127.0.0.1:8080); production is one origin: the API serves dist/.
const apiUrl = process.env.IAMROLL_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600, reportCompressedSize: false },
  server: { proxy: { '/api': apiUrl, '/docs': apiUrl, '/metrics': apiUrl } },
});

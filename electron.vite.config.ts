import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// Main and preload leave `dependencies` (better-sqlite3, drizzle-orm, zod, fflate)
// external and bundle the rest; the preload is CommonJS because sandboxed preloads
// cannot be ES modules.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The engine host's worker is its own entry: out/main/engineWorker.js (src-main/engine/host.ts).
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          engineWorker: resolve(__dirname, 'src-main/engine/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
})

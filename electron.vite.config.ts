import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// Main and preload leave `dependencies` (better-sqlite3, drizzle-orm, zod, fflate,
// playwright-core) external and bundle the rest; the preload is CommonJS because
// sandboxed preloads cannot be ES modules. The main build also holds the two plain-Node
// entries, built ahead of time so that no TypeScript runs at start-up: out/main/cli.js
// (`atax`, through bin/atax.mjs) and its `atax web`. Modules the CLI loads lazily
// (the database, Playwright) become chunks of their own.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Bundled, tree-shaken: loading drizzle-orm's and zod's hundreds of files one by
      // one took most of the CLI's start-up. better-sqlite3 (native) stays external.
      externalizeDeps: { exclude: ['drizzle-orm', 'zod'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/index.ts'),
          // The engine host's worker: out/main/engineWorker.js (src-main/engine/host.ts).
          engineWorker: resolve(__dirname, 'src-main/engine/worker.ts'),
        },
        // @sparticuz/chromium is optional: found (or not) at run time.
        external: ['@sparticuz/chromium'],
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

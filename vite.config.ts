import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig, type Plugin } from "vite";

/**
 * monaco-editor's TypeScript mode gets `createWebWorker` from internal/common/workers.js, and that file also
 * imports every editor contribution (inline completions, sticky scroll, codelens, rename, ...: measured, the page's
 * Monaco chunks are 3.93 MB with them and 3.40 MB without). Drop those bare imports, so the page gets only the
 * contributions src/ui/editor/monaco-lean.ts chooses; fail the build if the file no longer looks as expected.
 */
function monacoWithoutAllContributions(): Plugin {
  return {
    name: "monaco-without-all-contributions",
    transform(code, id) {
      if (!id.endsWith("/monaco-editor/esm/vs/internal/common/workers.js")) return;
      const lean = code.replace(/^import '[^']+';\n/gm, "");
      if (lean === code || !/\bexport \{ createWebWorker \}/.test(lean) || /^import '/m.test(lean)) {
        throw new Error(`${id} changed: check what monacoWithoutAllContributions() in vite.config.ts removes`);
      }
      return { code: lean, map: null };
    },
  };
}

/**
 * Cross-origin isolation (a SharedArrayBuffer can be shared between workers): a scenario's realm then calls the
 * engine's worker synchronously instead of running an engine of its own (src/worker/script-workers.ts). The dev
 * server and `vite preview` send the headers; on a static host that cannot, public/coi-sw.js adds them.
 */
const ISOLATION_HEADERS = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  // relative URLs: dist/ works from any static host and any sub-path (e.g. https://host/playground/)
  base: "./",
  plugins: [svelte(), monacoWithoutAllContributions()],
  worker: { format: "es" },
  build: {
    target: "es2022",
    // Monaco's editor and TypeScript worker are big by nature; they load after the page is usable
    chunkSizeWarningLimit: 8000,
    rolldownOptions: {
      output: {
        // Monaco (3.4 MB of JavaScript) in two chunks of similar size, so Chromium parses them on two threads at
        // once (measured: the editor shows about 0.1-0.2 s sooner than with rolldown's own split). The cut follows
        // VS Code's layers, which import only downwards (base, platform <- editor), so the chunks import each
        // other one way and run in the order of a single bundle.
        codeSplitting: {
          groups: [
            // Vite's helper for import() keeps its own chunk: some Monaco modules use it too, and the page's entry
            // must not import a Monaco chunk to get it
            { name: "preload-helper", test: /vite[\\/]preload-helper/, priority: 3 },
            { name: "monaco-base", test: /monaco-editor[\\/]esm[\\/]vs[\\/](base[\\/]|platform[\\/]|nls)/, priority: 2 },
            { name: "monaco-editor", test: /monaco-editor[\\/]esm[\\/]vs[\\/]editor[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  optimizeDeps: {
    // the engine worker's CommonJS dependencies, declared so the dev server does not discover them late and reload the page
    include: ["lz4js", "sucrase", "hash-wasm", "pure-rand/distribution/uniformInt", "pure-rand/generator/xoroshiro128plus"],
    // the dev server's pre-bundled Monaco gets the same contributions as the build
    rolldownOptions: { plugins: [monacoWithoutAllContributions()] },
  },
  server: { host: "127.0.0.1", headers: ISOLATION_HEADERS },
  preview: { host: "127.0.0.1", headers: ISOLATION_HEADERS },
});

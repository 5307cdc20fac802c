import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [svelte()],
  worker: { format: "es" },
  build: {
    target: "es2022",
    // Monaco's editor and TypeScript worker are big by nature; they load after the page is usable
    chunkSizeWarningLimit: 8000,
  },
  // the engine worker's CommonJS dependencies, declared so the dev server does not discover them late and reload the page
  optimizeDeps: { include: ["lz4js", "sucrase", "hash-wasm", "pure-rand/distribution/uniformInt", "pure-rand/generator/xoroshiro128plus"] },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The page is asynchronous: a browser test reads the state it checks until it holds (expect.poll), up to this long.
    expect: { poll: { timeout: 15_000 } },
  },
});

import { defineConfig } from "vitest/config";

// One runner for every TypeScript suite: keeper (unit → integration → crash), indexer, and the end-to-end demo.
// Files run one at a time: several of them start anvil, Ponder and worker threads, and this is a 2-core machine.
export default defineConfig({
  test: {
    include: ["keeper/test/**/*.test.ts", "indexer/test/**/*.test.ts", "test/e2e/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    teardownTimeout: 60_000,
    reporters: ["default"],
  },
});

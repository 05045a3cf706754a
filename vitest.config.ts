import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);

export default defineConfig({
  test: {
    // Two test files at a time even on a two-core machine: a workerd file waits on its runtime as much as it computes.
    maxWorkers: 2,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // The production entry, with a ConversationDO into which tests can inject vars and models.
            main: "./test/support/test-worker.ts",
            miniflare: {
              bindings: {
                AUTH_SECRET: "test-secret-at-least-16-chars",
                // Small enough that the 413 test does not need to send megabytes.
                MAX_UPLOAD_BYTES: "262144",
                TEST_MIGRATIONS: migrations,
              },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["worker/**/*.test.ts", "test/integration/**/*.test.ts"],
          // Timing tests measure the code, not workerd's clock, which stands still while code runs.
          exclude: ["worker/**/*.node.test.ts"],
          setupFiles: ["./test/support/apply-migrations.ts"],
          // A hang guard, not a speed limit: the first PDF parse of a run loads pdf.js, which takes seconds on a
          // busy machine.
          testTimeout: 30_000,
        },
      },
      {
        // The shared API client's, the CLI's, the SPA's and the benchmarks' own logic, and worker code whose timing a
        // test measures, in Node.
        test: {
          name: "scripts",
          include: [
            "client/**/*.test.ts",
            "scripts/**/*.test.ts",
            "bench/**/*.test.ts",
            "web/**/*.test.ts",
            "worker/**/*.node.test.ts",
          ],
          environment: "node",
          // A hang guard, not a speed limit: two heap snapshots of the test process take 9 s on a busy machine.
          testTimeout: 30_000,
        },
      },
      {
        // The real app served by `npm start`: what a person does in headless Chromium, and the CLI against it.
        // One file at a time: each starts its own server, and two builds at once would share the CPU badly.
        test: {
          name: "e2e",
          include: ["test/browser/**/*.test.ts", "test/e2e/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          globalSetup: ["./test/e2e/prebuilt-app.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});

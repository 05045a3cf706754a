import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = new URL("../../", import.meta.url);
const migrations = await readD1Migrations(new URL("migrations", root).pathname);

/**
 * Benchmarks that need the Worker's own runtime (local D1, R2, Queues and Durable Objects in workerd, as the
 * `workers` test project has them), run with `npm run bench:reembed`. Not part of `npm test`: they print figures.
 */
export default defineConfig({
  root: root.pathname,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      main: "./worker/index.ts",
      miniflare: {
        bindings: {
          AUTH_SECRET: "bench-secret-at-least-16-chars",
          TEST_MIGRATIONS: migrations,
          BENCH_DOCUMENTS: process.env.BENCH_DOCUMENTS ?? "5000",
        },
      },
    }),
  ],
  test: {
    include: ["bench/workers/**/*.bench-test.ts"],
    setupFiles: ["./test/support/apply-migrations.ts"],
    testTimeout: 1_800_000,
  },
});

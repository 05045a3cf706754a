import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);

export default defineConfig({
  test: {
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
          setupFiles: ["./test/support/apply-migrations.ts"],
        },
      },
      {
        // What a person does, in headless Chromium against the app served by `npm start`.
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});

/**
 * The production build that `npm start` serves: the Worker bundle, its generated `wrangler.json` and the SPA, written
 * by `vite build` into a folder of the caller's choice.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, globSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Local secrets for the Worker: `.dev.vars` with a random AUTH_SECRET, made once; the build copies it. */
export function ensureDevSecrets(): void {
  const path = join(projectRoot, ".dev.vars");
  if (existsSync(path)) return;
  writeFileSync(path, `AUTH_SECRET=${randomBytes(32).toString("hex")}\nOPENAI_API_KEY=\n`);
  console.log("Created .dev.vars with a random AUTH_SECRET (and an empty OPENAI_API_KEY) for local use.");
}

/** Builds the app into `buildDir` with `environment` (whose overridable vars the build applies; vite.config.ts). */
export async function buildApp(buildDir: string, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  ensureDevSecrets();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(join(projectRoot, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], {
      cwd: projectRoot,
      // Always the production bundle, even when a test runner has set NODE_ENV=test.
      env: { ...environment, RAG_BUILD_DIR: buildDir, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
  });
}

/** The `wrangler.json` that the build wrote for the Worker (in `<build dir>/<worker name>/`). */
export function builtWorkerConfig(buildDir: string): string {
  const [configPath, ...others] = globSync("*/wrangler.json", { cwd: buildDir });
  if (!configPath || others.length > 0) throw new Error(`Expected one built Worker in ${buildDir}`);
  return join(buildDir, configPath);
}

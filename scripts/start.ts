/**
 * `npm start`: applies D1 migrations, builds the app, serves the build straight from the Workers runtime (workerd),
 * prints `Ready: <url>` as soon as it answers, runs the Worker's scheduled handler ("@reboot" now, then every
 * minute), and seeds a demo tenant with the sample documents through the API, reporting their indexing until they
 * are done ("Sample documents: 4/4 ready"). Nothing after Ready stops the server; only a signal does.
 *
 * Environment: PORT (default 8787), RAG_STATE_DIR (local D1/R2/DO state; default .wrangler/state), INSPECTOR_PORT
 * (opt-in V8 inspector of the Worker),
 * and any var in wrangler.toml (e.g. AI_PROVIDER) to override it: vite.config.ts applies those overrides when
 * it builds, which is why every start builds.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, globSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { unstable_readConfig } from "wrangler";
import { createApiClient, readBody } from "../client/api-client.ts";
import { ApiError } from "../client/api-error.ts";
import { scheduledOverHttp, startLocalSchedule } from "./local-schedule.ts";
import { seedSampleDocuments } from "./seed-samples.ts";
import { serveBuild } from "./serve-build.ts";

const root = new URL("..", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 8787);
// Opt-in: workerd's V8 inspector on this port (attach Chrome DevTools, or `bench:soak` reads the Worker's heap).
const inspectorPort = process.env.INSPECTOR_PORT ? Number(process.env.INSPECTOR_PORT) : undefined;
// One state folder for the migrations and the server alike.
const stateDir = process.env.RAG_STATE_DIR ?? join(root, ".wrangler", "state");
// A server with state of its own also gets a build of its own, so two never clash (vite.config.ts reads it).
const buildDir = process.env.RAG_STATE_DIR ? join(stateDir, "dist") : join(root, "dist");
const origin = `http://localhost:${port}`;
const bin = (name: string) => join(root, "node_modules", ".bin", name);
// Nothing here may call out: no telemetry, no update checks, no `Request.cf` download.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_DISABLE_UPDATE_CHECK = "true";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
const childEnv = { ...process.env, RAG_STATE_DIR: stateDir, RAG_BUILD_DIR: buildDir };

function run(command: string, args: string[], env: NodeJS.ProcessEnv = childEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${basename(command)} exited with ${code}`)),
    );
  });
}

function ensureDevSecrets(): void {
  const path = join(root, ".dev.vars");
  if (existsSync(path)) return;
  writeFileSync(path, `AUTH_SECRET=${randomBytes(32).toString("hex")}\nOPENAI_API_KEY=\n`);
  console.log("Created .dev.vars with a random AUTH_SECRET (and an empty OPENAI_API_KEY) for local use.");
}

/** The `wrangler.json` that the build wrote for the Worker (in `<build dir>/<worker name>/`). */
function builtWorkerConfig(): string {
  const [configPath, ...others] = globSync("*/wrangler.json", { cwd: buildDir });
  if (!configPath || others.length > 0) throw new Error(`Expected one built Worker in ${buildDir}`);
  return join(buildDir, configPath);
}

/** Health as soon as the Worker answers (workerd listens once `serveBuild` resolves, so that is quick). */
async function waitForHealth() {
  const api = createApiClient({ baseUrl: origin });
  const startedAt = Date.now();
  let lastProblem = "";
  let reported = false;
  for (;;) {
    try {
      return await readBody(api.health.$get());
    } catch (error) {
      if (error instanceof ApiError) lastProblem = `GET /api/health answered ${error.status}`;
      else lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (!reported && Date.now() - startedAt > 10_000) {
      reported = true;
      console.warn(`The server does not answer yet (${lastProblem}); still trying.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

ensureDevSecrets();
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
// Always the production bundle, even when a test runner has set NODE_ENV=test.
await run(bin("vite"), ["build", "--logLevel", "warn"], { ...childEnv, NODE_ENV: "production" });

const configPath = builtWorkerConfig();
const server = await serveBuild({ configPath, stateDir, host: "localhost", port, inspectorPort }).catch(
  (error: unknown) => {
    console.error(`Could not serve on port ${port} (in use? set PORT):`, error);
    process.exit(1);
  },
);
let stopSchedule = () => {};
const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
for (const signal of signals) {
  process.once(signal, () => {
    stopSchedule();
    void server.dispose().finally(() => process.exit(0));
  });
}

const health = await waitForHealth();
console.log(`\nReady: ${origin}/\n`);

const crons = unstable_readConfig({ config: configPath }).triggers.crons ?? [];
const schedule = startLocalSchedule({ run: scheduledOverHttp(origin), crons, log: console.log });
stopSchedule = schedule.stop;
await schedule.started;

if (health.devAuth) {
  await seedSampleDocuments({ origin, folder: join(root, "scripts", "sample-documents"), log: console.log }).catch(
    (error: unknown) => console.warn("Could not seed the sample documents; the server keeps running:", error),
  );
} else {
  console.log("DEV_AUTH is off: skipping the demo tenant; sign tokens with AUTH_SECRET yourself.");
}

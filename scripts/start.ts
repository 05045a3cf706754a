/**
 * `npm start`: builds the app, serves the build straight from the Workers runtime (workerd), applies the D1
 * migrations it has not had yet to the local state, prints `Ready: <url>` as soon as it answers, runs the Worker's scheduled handler ("@reboot" now, then every
 * minute), and seeds a demo tenant with the sample documents through the API, reporting their indexing until they
 * are done ("Sample documents: 4/4 ready"). Nothing after Ready stops the server; only a signal does.
 *
 * Environment: PORT (default 8787), RAG_STATE_DIR (local D1/R2/DO state; default .wrangler/state), INSPECTOR_PORT
 * (opt-in V8 inspector of the Worker), RAG_PREBUILT_DIR (serve that build instead of building), and any var in
 * wrangler.toml (e.g. AI_PROVIDER) to override it (scripts/lib/var-overrides.ts): the build applies the overrides,
 * and serving applies them again, so a build made without them serves them too.
 */
import { join } from "node:path";
import { unstable_readConfig } from "wrangler";
import { createApiClient, readBody } from "../client/api-client.ts";
import { ApiError } from "../client/api-error.ts";
import { applyLocalMigrations } from "./lib/apply-local-migrations.ts";
import { buildApp, builtWorkerConfig } from "./lib/build-app.ts";
import { varOverrides } from "./lib/var-overrides.ts";
import { scheduledOverHttp, startLocalSchedule } from "./local-schedule.ts";
import { seedSampleDocuments } from "./seed-samples.ts";
import { serveBuild } from "./serve-build.ts";

const root = new URL("..", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 8787);
// Opt-in: workerd's V8 inspector on this port (attach Chrome DevTools, or `bench:soak` reads the Worker's heap).
const inspectorPort = process.env.INSPECTOR_PORT ? Number(process.env.INSPECTOR_PORT) : undefined;
// One state folder for the migrations and the server alike.
const stateDir = process.env.RAG_STATE_DIR ?? join(root, ".wrangler", "state");
// A build made already (the end-to-end tests build once for all their servers), served as it is; without it, a
// server with state of its own also gets a build of its own, so two never clash.
const prebuiltDir = process.env.RAG_PREBUILT_DIR;
const buildDir = prebuiltDir ?? (process.env.RAG_STATE_DIR ? join(stateDir, "dist") : join(root, "dist"));
const origin = `http://localhost:${port}`;
// Nothing here may call out: no telemetry, no update checks, no `Request.cf` download.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_DISABLE_UPDATE_CHECK = "true";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

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
      if (error instanceof ApiError) lastProblem = `GET /api/health answered ${error.status}: ${error.message}`;
      else lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (!reported && Date.now() - startedAt > 10_000) {
      reported = true;
      console.warn(`The server does not answer yet (${lastProblem}); still trying.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (!prebuiltDir) await buildApp(buildDir, { ...process.env, RAG_STATE_DIR: stateDir });

const configPath = builtWorkerConfig(buildDir);
// The environment's overrides apply when serving too, so a build made without them serves them.
const d1Config = unstable_readConfig({ config: join(root, "wrangler.toml") }).d1_databases[0];
// Migrations are applied before the port takes requests, so none meets a database without its tables.
const server = await serveBuild({
  configPath,
  stateDir,
  host: "localhost",
  port,
  inspectorPort,
  vars: varOverrides(),
  prepare: async (runtime) => {
    const applied = await applyLocalMigrations(
      await runtime.getD1Database(d1Config?.binding ?? "DB"),
      join(root, d1Config?.migrations_dir ?? "migrations"),
    );
    if (applied.length > 0) console.log(`Applied ${applied.length} D1 migrations (${applied.at(-1)} is the newest).`);
  },
}).catch((error: unknown) => {
  console.error(`Could not start the server on port ${port} (in use? set PORT):`, error);
  process.exit(1);
});
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

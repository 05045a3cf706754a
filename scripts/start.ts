/**
 * `npm start`: applies D1 migrations, builds the app, serves it with the Workers runtime (vite preview),
 * seeds a demo tenant with the sample documents through the API, and prints the URL.
 *
 * Environment: PORT (default 8787), RAG_STATE_DIR (local D1/R2/DO state; default .wrangler/state),
 * and any var in wrangler.toml (e.g. AI_PROVIDER) to override it: vite.config.ts applies those overrides when
 * it builds, which is why every start builds.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 8787);
// One state folder for the migrations and the server alike (vite.config.ts reads RAG_STATE_DIR too).
const stateDir = process.env.RAG_STATE_DIR ?? join(root, ".wrangler", "state");
const origin = `http://localhost:${port}`;
const bin = (name: string) => join(root, "node_modules", ".bin", name);
// Nothing here may call out: no telemetry, no update checks.
const childEnv = {
  ...process.env,
  RAG_STATE_DIR: stateDir,
  // A server with state of its own also gets a build of its own, so two never clash.
  ...(process.env.RAG_STATE_DIR ? { RAG_BUILD_DIR: join(stateDir, "dist") } : {}),
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_DISABLE_UPDATE_CHECK: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

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

async function waitForHealth(server: ChildProcess): Promise<{ devAuth: boolean }> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error("The server exited before it was ready");
    try {
      const response = await fetch(`${origin}/api/health`);
      if (response.ok) return (await response.json()) as { devAuth: boolean };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server did not answer on ${origin} within 2 minutes`);
}

async function api<T>(path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${origin}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Upserts the sample documents by file name, so restarting never duplicates them, and waits for indexing. */
async function seedDemoTenant(): Promise<void> {
  const { token } = await api<{ token: string }>("/api/dev/token", { role: "admin", tenant: "demo" });
  const folder = join(root, "scripts", "sample-documents");
  const documents = readdirSync(folder)
    .filter((name) => name.endsWith(".md"))
    .map((name) => {
      const text = readFileSync(join(folder, name), "utf8");
      const title = text.match(/^# (.+)$/m)?.[1] ?? name;
      return { externalId: `sample/${name}`, title, text, contentType: "text/markdown" };
    });
  await api("/api/documents/batch", { documents }, token);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { documents: listed } = await api<{ documents: Array<{ status: string; title: string; error: string }> }>(
      "/api/documents",
      undefined,
      token,
    );
    const pending = listed.filter((document) => document.status === "queued" || document.status === "processing");
    if (pending.length === 0) {
      for (const failed of listed.filter((document) => document.status === "failed")) {
        console.warn(`Sample document "${failed.title}" failed: ${failed.error}`);
      }
      console.log(`Demo tenant "demo" has ${listed.length} documents indexed.`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("The sample documents were not indexed within 2 minutes");
}

ensureDevSecrets();
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
// Always the production bundle, even when a test runner has set NODE_ENV=test.
await run(bin("vite"), ["build", "--logLevel", "warn"], { ...childEnv, NODE_ENV: "production" });

const server = spawn(bin("vite"), ["preview", "--port", String(port), "--strictPort"], {
  cwd: root,
  env: childEnv,
  stdio: ["ignore", "inherit", "inherit"],
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.kill(signal);
    process.exit(0);
  });
}
server.on("exit", (code) => process.exit(code ?? 1));

const health = await waitForHealth(server);
if (health.devAuth) await seedDemoTenant();
else console.log("DEV_AUTH is off: skipping the demo tenant; sign tokens with AUTH_SECRET yourself.");
console.log(`\nReady: ${origin}/\n`);

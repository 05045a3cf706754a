import { fileURLToPath } from "node:url";
import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { varOverrides } from "./scripts/lib/var-overrides.ts";
import { scheduledOverHttp, startLocalSchedule } from "./scripts/local-schedule.ts";

// Local runs never call out: Miniflare would otherwise fetch the `Request.cf` object from Cloudflare.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * `npm run dev` runs the Worker's scheduled handler as `npm start` does (scripts/local-schedule.ts): "@reboot" once
 * the Worker answers, then every minute with each cron of wrangler.toml.
 */
function localSchedule(): Plugin {
  return {
    name: "edge-rag-chat:local-schedule",
    apply: "serve",
    configureServer(server) {
      const { httpServer } = server;
      httpServer?.once("listening", async () => {
        const address = httpServer.address();
        if (typeof address !== "object" || address === null) return;
        const origin = `http://localhost:${address.port}`;
        // The first request also has Vite load the Worker; the schedule starts once it answers.
        while (
          !(await fetch(`${origin}/api/health`).then(
            (response) => response.ok,
            () => false,
          ))
        ) {
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const { unstable_readConfig } = await import("wrangler");
        const crons = unstable_readConfig({ config: fromRoot("./wrangler.toml") }).triggers.crons ?? [];
        const log = (line: string) => server.config.logger.info(line, { timestamp: true });
        const schedule = startLocalSchedule({ run: scheduledOverHttp(origin), crons, log });
        httpServer.once("close", schedule.stop);
      });
    },
  };
}

/**
 * `npm run dev` answers the methods that Node's fetch refuses to forward to workerd (TRACE, TRACK, CONNECT) as the
 * Worker answers any method it does not serve, with a 405 JSON error, instead of Vite's HTML error page holding a
 * stack trace. (`npm start` has no proxy in front of workerd, so there the Worker answers them itself.)
 */
function unforwardableMethods(): Plugin {
  const unforwardable = new Set(["CONNECT", "TRACE", "TRACK"]);
  return {
    name: "edge-rag-chat:unforwardable-methods",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (!request.method || !unforwardable.has(request.method)) return next();
        response.statusCode = 405;
        response.setHeader("Content-Type", "application/json");
        const message = `${request.method} is not supported`;
        response.end(JSON.stringify({ error: { code: "method_not_allowed", message } }));
      });
    },
  };
}

export default defineConfig({
  root: fromRoot("./web"),
  // RAG_BUILD_DIR gives a server of its own build (npm start sets it beside RAG_STATE_DIR), so two never clash.
  build: { outDir: process.env.RAG_BUILD_DIR ?? fromRoot("./dist"), emptyOutDir: true },
  plugins: [
    react(),
    unforwardableMethods(),
    localSchedule(),
    cloudflare({
      configPath: fromRoot("./wrangler.toml"),
      // Local D1/R2/DO state: RAG_STATE_DIR (tests isolate themselves with it), else the project's
      // .wrangler/state, where `wrangler d1 migrations apply --local` writes too (not web/.wrangler, Vite's root).
      persistState: { path: process.env.RAG_STATE_DIR ?? fromRoot("./.wrangler/state") },
      config: (worker) => ({
        // Local builds and `vite dev` (the default environment: no CLOUDFLARE_ENV) run the Worker as `wrangler dev`
        // would; a build for any deployed environment keeps wrangler.toml's entry (worker/local-entry.ts says why).
        ...(process.env.CLOUDFLARE_ENV ? {} : { main: fromRoot("./worker/local-entry.ts") }),
        vars: { ...worker.vars, ...varOverrides() },
      }),
    }),
  ],
});

/**
 * Serves the app that `vite build` wrote (the Worker bundle, its generated `wrangler.json` and the SPA) straight from
 * workerd, the Workers runtime, through Miniflare: the port `npm start` prints is workerd's own socket.
 *
 * Why not `vite preview`: it puts a Node proxy in front of workerd that answers some requests itself, with a 500 HTML
 * page holding a stack trace and absolute paths: any method Node's fetch refuses (`TRACE`), and any request whose
 * body the Worker did not read before it answered (a 401 or 413 to an upload) when the proxy's upload to workerd
 * breaks. `wrangler dev` has the same kind of proxy, a Worker that answers such requests with a 500 stack trace.
 * Here nothing stands between the client and the runtime, as on Cloudflare.
 */
import { globSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

export interface ServeBuildOptions {
  /** The `wrangler.json` that the build wrote beside the Worker bundle (`<build dir>/<worker name>/wrangler.json`). */
  configPath: string;
  /** Local D1, R2, Durable Object and cache state; the same folder `wrangler d1 migrations apply --persist-to` uses. */
  stateDir: string;
  host: string;
  port: number;
  /**
   * Where workerd's V8 inspector listens (Chrome DevTools, or a benchmark reading the Worker's heap); none without it.
   */
  inspectorPort?: number;
  /** Vars that replace the build's (`varOverrides`), so one build serves several configurations. */
  vars?: Record<string, string>;
  /**
   * Runs before `port` takes requests (applying D1 migrations), in a runtime on the same state that listens only on a
   * port of the system's choosing that no client knows: no request meets a database without its tables.
   */
  prepare: (miniflare: Miniflare) => Promise<void>;
}

/**
 * Starts workerd with the built Worker, its bindings, vars, `.dev.vars` secrets and static assets, and listens on
 * `port` once `prepare` is done.
 */
export async function serveBuild({
  configPath,
  stateDir,
  host,
  port,
  inspectorPort,
  vars = {},
  prepare,
}: ServeBuildOptions): Promise<Miniflare> {
  const config = unstable_readConfig({ config: configPath });
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(config);
  if (!main) throw new Error(`${configPath} names no Worker entry (main); run the build again`);
  const { modulesRules = [], ...options } = workerOptions;
  // The bundle is final (no_bundle): the entry and every chunk the rules match, as `vite preview` loads them.
  const rootPath = dirname(main);
  const entry = relative(rootPath, main);
  const chunks = modulesRules.flatMap((rule) =>
    globSync(rule.include, { cwd: rootPath })
      .filter((path) => path !== entry)
      .map((path) => ({ type: rule.type, path })),
  );
  const miniflareOptions = (listenOn: number) =>
    convertV4MiniflareOptions({
      host,
      port: listenOn,
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
      log: new Log(LogLevel.INFO),
      // GET /cdn-cgi/local/scheduled?cron=… runs the scheduled handler: Miniflare's entry answers it, never the
      // Worker, so it does not exist in production.
      unsafeTriggerHandlers: true,
      telemetry: { enabled: false },
      // A fixed `Request.cf` instead of downloading one: local runs never call out.
      cf: false,
      resourcePersistencePath: join(stateDir, "v3"),
      resourceTmpPath: join(stateDir, "tmp"),
      workers: [
        {
          ...options,
          bindings: { ...(options.bindings ?? {}), ...vars },
          name: config.name,
          rootPath,
          modules: [{ type: "ESModule", path: entry }, ...chunks],
        },
      ],
    });
  // Moving a running runtime to `port` (`setOptions`) fails while a server killed a moment ago still holds it, where a
  // new runtime binds it: the preparing one is disposed and the serving one started afresh on the prepared state.
  const preparing = new Miniflare(miniflareOptions(0));
  try {
    await preparing.ready;
    await prepare(preparing);
  } finally {
    await preparing.dispose();
  }
  const miniflare = new Miniflare(miniflareOptions(port));
  await miniflare.ready;
  return miniflare;
}

/**
 * Worker start-up benchmark: `npm run bench:startup -- [--bundle dist/deploy-check] [--runs 15]`.
 *
 * Measures what a cold isolate pays before it can answer: workerd compiles the built Worker's entry module and
 * evaluates it and everything it imports statically (chunks loaded by `import()` are not touched until called).
 * Each run starts a fresh workerd through Miniflare with the bundle's modules and no bindings, waits until it is
 * ready and reads the CPU time workerd's threads used (from `/proc`, so Linux only); the same is measured for a
 * one-line Worker in the same run, and the difference is the cost of the bundle. Runs alternate between the two so
 * machine load falls on both alike. Build the bundle first with `npm run build && npm run deploy:check`.
 */
import { globSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";

const { values } = parseArgs({
  options: {
    bundle: { type: "string", default: "dist/deploy-check" },
    runs: { type: "string", default: "15" },
  },
});
const bundleDirectory = resolve(values.bundle);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error("--runs must be a positive whole number");
  process.exit(2);
}

const config = unstable_readConfig({ config: "wrangler.toml" });
const entry = "index.js";
const bundleModules = globSync("**/*.js", { cwd: bundleDirectory });
if (!bundleModules.includes(entry)) {
  console.error(`${bundleDirectory} holds no ${entry}: build it first (see the comment at the top)`);
  process.exit(2);
}

/**
 * CPU milliseconds that the workerd processes started by this process have used so far: the sum over their threads of
 * the first field of `/proc/<pid>/task/<tid>/schedstat`, time on a CPU in nanoseconds.
 */
function workerdCpuMilliseconds(): number {
  let nanoseconds = 0;
  for (const entryName of readdirSync("/proc")) {
    if (!/^\d+$/.test(entryName)) continue;
    let stat: string;
    let threads: string[];
    try {
      stat = readFileSync(`/proc/${entryName}/stat`, "utf8");
      threads = readdirSync(`/proc/${entryName}/task`);
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // After the name come the state and the parent's id.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (name !== "workerd" || parent !== process.pid) continue;
    for (const thread of threads) {
      try {
        nanoseconds += Number(readFileSync(`/proc/${entryName}/task/${thread}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // The thread ended.
      }
    }
  }
  return nanoseconds / 1e6;
}

interface StartupCost {
  cpuMilliseconds: number;
  wallMilliseconds: number;
}

async function measureStartup(modules: { type: "ESModule"; path: string; contents?: string }[]): Promise<StartupCost> {
  const started = performance.now();
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      log: new Log(LogLevel.WARN),
      telemetry: { enabled: false },
      cf: false,
      workers: [
        {
          name: "startup",
          rootPath: bundleDirectory,
          compatibilityDate: config.compatibility_date,
          compatibilityFlags: config.compatibility_flags,
          modules,
        },
      ],
    }),
  );
  try {
    await miniflare.ready;
    return { wallMilliseconds: performance.now() - started, cpuMilliseconds: workerdCpuMilliseconds() };
  } finally {
    await miniflare.dispose();
  }
}

const bundle = bundleModules.map((path) => ({ type: "ESModule" as const, path }));
// The entry first: workerd takes the first module as the Worker's main module.
bundle.sort((left, right) => Number(right.path === entry) - Number(left.path === entry));
const emptyWorker = [
  { type: "ESModule" as const, path: "empty.js", contents: "export default { fetch: () => new Response('') };" },
];

function median(samples: number[]): number {
  const sorted = [...samples].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const bundleCosts: StartupCost[] = [];
const emptyCosts: StartupCost[] = [];
for (let run = 0; run < runs; run += 1) {
  emptyCosts.push(await measureStartup(emptyWorker));
  bundleCosts.push(await measureStartup(bundle));
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const gzippedBytes = (path: string) => gzipSync(readFileSync(join(bundleDirectory, path))).length;

/** The modules workerd evaluates at start-up: the entry and what it imports statically, transitively. */
function staticallyImported(path: string, found = new Set<string>()): Set<string> {
  found.add(path);
  const source = readFileSync(join(bundleDirectory, path), "utf8");
  for (const [, specifier] of source.matchAll(/^import\s[^;]*?from\s*"(\.{1,2}\/[^"]+)"/gm)) {
    const imported = join(dirname(path), specifier ?? "");
    if (!found.has(imported)) staticallyImported(imported, found);
  }
  return found;
}
const atStartup = staticallyImported(entry);
const sum = (paths: string[]) => paths.reduce((total, path) => total + gzippedBytes(path), 0);
const startupBytes = sum([...atStartup]);
const lazyBytes = sum(bundleModules.filter((path) => !atStartup.has(path)));
const [loadOne, loadFive] = (await import("node:os")).loadavg();

console.log(
  `bundle ${bundleDirectory}: ${bundleModules.length} module(s), ${kib(startupBytes + lazyBytes)} KiB gzipped`,
);
console.log(`  evaluated at start-up (entry and its static imports): ${kib(startupBytes)} KiB gzipped`);
console.log(`  imported on first use: ${kib(lazyBytes)} KiB gzipped`);
const bundleCpu = median(bundleCosts.map((cost) => cost.cpuMilliseconds));
const emptyCpu = median(emptyCosts.map((cost) => cost.cpuMilliseconds));
const bundleWall = median(bundleCosts.map((cost) => cost.wallMilliseconds));
const emptyWall = median(emptyCosts.map((cost) => cost.wallMilliseconds));
console.log(`workerd start-up, median of ${runs} runs (CPU time of its threads from /proc):`);
console.log(`  one-line Worker: ${emptyCpu.toFixed(0)} ms CPU, ${emptyWall.toFixed(0)} ms wall`);
console.log(`  this bundle:     ${bundleCpu.toFixed(0)} ms CPU, ${bundleWall.toFixed(0)} ms wall`);
console.log(
  `  bundle's own cost: ${(bundleCpu - emptyCpu).toFixed(0)} ms CPU, ${(bundleWall - emptyWall).toFixed(0)} ms wall`,
);
console.log(`load average (1 min, 5 min): ${loadOne?.toFixed(2)}, ${loadFive?.toFixed(2)}`);

/**
 * The real app for end-to-end tests and benchmarks: `scripts/start.ts` builds it and serves it with the Workers runtime on a
 * free port, with fresh local state in a temporary folder (or the caller's, to restart on it), and seeds the `demo`
 * tenant. Runs in Node.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder, where `npm` scripts run. */
export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/** How long `startServer` waits for the build, the first answer and the sample documents before it gives up. */
export const startupTimeoutMs = 240_000;

export interface ServerOptions {
  /**
   * Local state to run on and keep: the caller makes the folder and deletes it, so a second server can start on
   * what the first left behind. Without it the server gets a temporary folder that `stop()` deletes.
   */
  stateDirectory?: string;
  /**
   * Whether `startServer` also waits until the sample documents are indexed (the "Sample documents:" line that
   * follows "Ready:"). Default true; a test that checks what happens before that, or runs with DEV_AUTH off, says
   * false.
   */
  waitForSamples?: boolean;
  /**
   * The port to serve on; default a free one. A test that stops a server and starts another on its state passes the
   * first one's port, so a page open in a browser talks to the new server at the same origin.
   */
  port?: number;
}

export interface RunningServer {
  /** The origin the server answers on, e.g. `http://localhost:41234`. */
  baseUrl: string;
  /** The folder of its local state. */
  stateDirectory: string;
  /** Everything the server has printed so far, for failure messages. */
  output(): string;
  /** The first line the server prints (or has printed) that matches `pattern`. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Stops the server's whole process group, and deletes its state unless the caller gave the folder. */
  stop(): Promise<void>;
  /** SIGKILLs the server's whole process group at once, as a crash would, and keeps its state. */
  kill(): Promise<void>;
  /** SIGINTs the server's whole process group, as Ctrl-C in its terminal does, and keeps its state. */
  interrupt(): Promise<void>;
}

/** Starts the app with `environment` added to its variables (e.g. `LOCAL_ANSWER_DELAY_MS`). */
export async function startServer(
  environment: Record<string, string> = {},
  { stateDirectory, waitForSamples = true, port }: ServerOptions = {},
): Promise<RunningServer> {
  const state = stateDirectory ?? (await mkdtemp(join(tmpdir(), "edge-rag-chat-e2e-")));
  // Its own process group, so stopping it also stops workerd.
  const child = spawn(process.execPath, ["scripts/start.ts"], {
    cwd: projectRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...environment, PORT: String(port ?? (await freePort())), RAG_STATE_DIR: state },
  });
  let output = "";
  const lines: string[] = [];
  const lineWaiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    if (running()) {
      signalGroup("SIGTERM");
      const forceKill = setTimeout(() => signalGroup("SIGKILL"), 10_000);
      await exited;
      clearTimeout(forceKill);
    }
    // workerd may outlive the script that started it; nothing of the group may keep the state open.
    signalGroup("SIGKILL");
    if (!stateDirectory) await rm(state, { recursive: true, force: true });
  };

  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (!running()) return;
    signalGroup(signal);
    await exited;
  };

  const waitForLine = (pattern: RegExp) => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve) => lineWaiters.add({ pattern, resolve }));
  };

  let pending = "";
  const onOutput = (chunk: string) => {
    output += chunk;
    pending += chunk;
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) {
      lines.push(line);
      for (const waiter of lineWaiters) {
        if (!waiter.pattern.test(line)) continue;
        lineWaiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  child.stdout.setEncoding("utf8").on("data", onOutput);
  child.stderr.setEncoding("utf8").on("data", onOutput);

  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${startupTimeoutMs} ms; output:\n${output}`)),
      startupTimeoutMs,
    );
    const started = async () => {
      const url = /Ready: (http:\/\/\S+)/.exec(await waitForLine(/Ready: http:\/\//))?.[1] ?? "";
      if (waitForSamples) await waitForLine(/^Sample documents: /);
      return url.replace(/\/$/, "");
    };
    started().then(
      (url) => {
        clearTimeout(timer);
        resolve(url);
      },
      (error: unknown) => reject(error),
    );
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`scripts/start.ts exited (${code ?? signal}) before it was ready; output:\n${output}`));
    });
  });

  try {
    return {
      baseUrl: await ready,
      stateDirectory: state,
      output: () => output,
      waitForLine,
      stop,
      kill: () => signalAndWait("SIGKILL"),
      interrupt: () => signalAndWait("SIGINT"),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A TCP port nothing listens on now, for a server to take. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

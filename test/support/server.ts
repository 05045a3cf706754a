/**
 * The real app for end-to-end tests: `scripts/start.ts` builds it and serves it with the Workers runtime on a
 * free port, with fresh local state in a temporary folder, and seeds the `demo` tenant. Runs in Node.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder, where `npm` scripts run. */
export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/** How long `startServer` waits for the build and the first answer before it gives up. */
export const startupTimeoutMs = 240_000;

export interface RunningServer {
  /** The origin the server answers on, e.g. `http://localhost:41234`. */
  baseUrl: string;
  /** Everything the server has printed so far, for failure messages. */
  output(): string;
  /** Stops the server's whole process group and deletes its state. */
  stop(): Promise<void>;
}

/** Starts the app with `environment` added to its variables (e.g. `LOCAL_ANSWER_DELAY_MS`). */
export async function startServer(environment: Record<string, string> = {}): Promise<RunningServer> {
  const stateDirectory = await mkdtemp(join(tmpdir(), "edge-rag-chat-e2e-"));
  // Its own process group, so stopping it also stops vite preview and workerd.
  const child = spawn(process.execPath, ["scripts/start.ts"], {
    cwd: projectRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...environment, PORT: String(await freePort()), RAG_STATE_DIR: stateDirectory },
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch {
          // The group is already gone.
        }
      };
      signalGroup("SIGTERM");
      const forceKill = setTimeout(() => signalGroup("SIGKILL"), 10_000);
      await exited;
      clearTimeout(forceKill);
    }
    await rm(stateDirectory, { recursive: true, force: true });
  };

  const ready = new Promise<string>((resolve, reject) => {
    let pending = "";
    const timer = setTimeout(
      () => reject(new Error(`no Ready line within ${startupTimeoutMs} ms; output:\n${output}`)),
      startupTimeoutMs,
    );
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      output += chunk;
    });
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const url = /Ready: (http:\/\/\S+)/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url.replace(/\/$/, ""));
        }
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`scripts/start.ts exited (${code ?? signal}) before it was ready; output:\n${output}`));
    });
  });

  try {
    return { baseUrl: await ready, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function freePort(): Promise<number> {
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

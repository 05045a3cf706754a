/**
 * The JavaScript heap of the app's own isolate (the Worker and its Durable Objects) in a locally started server, read
 * through workerd's V8 inspector (`INSPECTOR_PORT`, see scripts/start.ts): unlike the process's resident size, it
 * counts only what the app's code keeps alive, not what the local runtime around it holds.
 */
import { z } from "zod";
import { arrayBufferBytes } from "./heap-snapshot.ts";

const targetList = z.array(z.object({ id: z.string(), webSocketDebuggerUrl: z.string() }));
const reply = z.object({ id: z.number(), result: z.unknown().optional(), error: z.unknown().optional() });
const heapUsage = z.object({ usedSize: z.number(), totalSize: z.number() });
const stoppedProfiler = z.object({ profile: z.unknown() });
const snapshotChunk = z.object({
  method: z.literal("HeapProfiler.addHeapSnapshotChunk"),
  params: z.object({ chunk: z.string() }),
});

export interface IsolateHeap {
  /** Collects garbage, then returns the megabytes still in use: what the app holds on to. */
  retainedMb(): Promise<number>;
  /**
   * The megabytes of ArrayBuffer contents (typed arrays) the isolate holds, which V8 keeps outside the heap that
   * `retainedMb` measures; read from a heap snapshot (which collects garbage first), so it pauses the isolate a while.
   */
  arrayBuffersMb(): Promise<number>;
  /** Starts V8's sampling CPU profiler in the isolate, a sample every `intervalMicroseconds`. */
  startProfiling(intervalMicroseconds: number): Promise<void>;
  /** Stops the profiler and returns its profile, as JSON a `.cpuprofile` file holds (Chrome DevTools opens it). */
  stopProfiling(): Promise<string>;
  close(): void;
}

/**
 * Connects to the user Worker's isolate (inspector target `core:user:<name>`) of the server on `inspectorPort`.
 * workerd answers the inspector only while the isolate has work to do: with `wakeUrl` (a cheap page of the app, e.g.
 * its health check), a call keeps requesting it until the answer comes, so a reading taken while the app is idle
 * does not wait forever.
 */
export async function connectIsolateHeap(inspectorPort: number, wakeUrl?: string): Promise<IsolateHeap> {
  const targets = targetList.parse(await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json());
  const userWorkers = targets.filter((target) => target.id.startsWith("core:user:"));
  const [app] = userWorkers;
  if (!app || userWorkers.length > 1) {
    throw new Error(`expected one user Worker among the inspector's targets, found ${userWorkers.length}`);
  }
  const socket = new WebSocket(app.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot open ${app.webSocketDebuggerUrl}`)), {
      once: true,
    });
  });
  const pending = new Map<number, (message: z.infer<typeof reply>) => void>();
  // The chunks of the heap snapshot being taken, if one is.
  let snapshotChunks: string[] | null = null;
  socket.addEventListener("message", (event) => {
    // Replies carry the id of their call; of the events (no id), only a snapshot's chunks are asked for.
    const data: unknown = JSON.parse(String(event.data));
    const message = reply.safeParse(data);
    if (message.success) pending.get(message.data.id)?.(message.data);
    const chunk = snapshotChunk.safeParse(data);
    if (chunk.success) snapshotChunks?.push(chunk.data.params.chunk);
  });
  let lastId = 0;
  const call = (method: string, params?: object) => whileWaking(wakeUrl, send(method, params));
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++lastId;
      pending.set(id, (message) => {
        pending.delete(id);
        if (message.error !== undefined) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result);
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async retainedMb() {
      await call("HeapProfiler.collectGarbage");
      return heapUsage.parse(await call("Runtime.getHeapUsage")).usedSize / 1024 / 1024;
    },
    async arrayBuffersMb() {
      snapshotChunks = [];
      // The reply comes after the last chunk.
      await call("HeapProfiler.takeHeapSnapshot");
      const text = snapshotChunks.join("");
      snapshotChunks = null;
      return arrayBufferBytes(JSON.parse(text)) / 1024 / 1024;
    },
    async startProfiling(intervalMicroseconds) {
      await call("Profiler.enable");
      await call("Profiler.setSamplingInterval", { interval: intervalMicroseconds });
      await call("Profiler.start");
    },
    async stopProfiling() {
      return JSON.stringify(stoppedProfiler.parse(await call("Profiler.stop")).profile);
    },
    close: () => socket.close(),
  };
}

/** Requests `wakeUrl` one request at a time until `answer` settles, and returns what it settles with. */
async function whileWaking<Result>(wakeUrl: string | undefined, answer: Promise<Result>): Promise<Result> {
  if (wakeUrl === undefined) return answer;
  let settled = false;
  const waking = (async () => {
    while (!settled) await (await fetch(wakeUrl)).arrayBuffer();
  })();
  try {
    return await answer;
  } finally {
    settled = true;
    await waking;
  }
}

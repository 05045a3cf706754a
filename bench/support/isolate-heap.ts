/**
 * The JavaScript heap of the app's own isolate (the Worker and its Durable Objects) in a locally started server, read
 * through workerd's V8 inspector (`INSPECTOR_PORT`, see scripts/start.ts): unlike the process's resident size, it
 * counts only what the app's code keeps alive, not what the local runtime around it holds.
 */
import { z } from "zod";

const targetList = z.array(z.object({ id: z.string(), webSocketDebuggerUrl: z.string() }));
const reply = z.object({ id: z.number(), result: z.unknown().optional(), error: z.unknown().optional() });
// `backingStorageSize` (ArrayBuffer contents, which V8 keeps outside its heap) is experimental in the protocol.
const heapUsage = z.object({ usedSize: z.number(), totalSize: z.number(), backingStorageSize: z.number().optional() });

/** What the isolate holds after a collection, in megabytes; backing stores are NaN where V8 does not report them. */
export interface RetainedMemory {
  heapMb: number;
  backingStoresMb: number;
}

export interface IsolateHeap {
  /** Collects garbage, then returns the megabytes still in use: what the app holds on to. */
  retainedMb(): Promise<number>;
  /** Collects garbage, then returns the heap still in use and the ArrayBuffer contents still held. */
  retained(): Promise<RetainedMemory>;
  close(): void;
}

/** Connects to the user Worker's isolate (inspector target `core:user:<name>`) of the server on `inspectorPort`. */
export async function connectIsolateHeap(inspectorPort: number): Promise<IsolateHeap> {
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
  socket.addEventListener("message", (event) => {
    // Replies carry the id of their call; events (no id) are not asked for and ignored.
    const message = reply.safeParse(JSON.parse(String(event.data)));
    if (message.success) pending.get(message.data.id)?.(message.data);
  });
  let lastId = 0;
  const call = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++lastId;
      pending.set(id, (message) => {
        pending.delete(id);
        if (message.error !== undefined) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result);
      });
      socket.send(JSON.stringify({ id, method }));
    });
  const retained = async (): Promise<RetainedMemory> => {
    await call("HeapProfiler.collectGarbage");
    const usage = heapUsage.parse(await call("Runtime.getHeapUsage"));
    return {
      heapMb: usage.usedSize / 1024 / 1024,
      backingStoresMb: (usage.backingStorageSize ?? Number.NaN) / 1024 / 1024,
    };
  };
  return {
    retainedMb: async () => (await retained()).heapMb,
    retained,
    close: () => socket.close(),
  };
}

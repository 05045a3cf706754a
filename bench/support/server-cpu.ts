/**
 * The CPU time a locally started server has used: user and system time of its processes (workerd runs the Worker,
 * every Durable Object, D1 and R2 on one thread), read from `/proc` (Linux). Unlike a latency, it barely moves with
 * other work on the machine, so it compares runs made under different loads.
 */
import { readProc, serverProcessIds } from "./server-memory.ts";

/** Clock ticks a second of `/proc/<pid>/stat`'s times (`getconf CLK_TCK`, 100 on Linux). */
const ticksPerSecond = 100;

/** CPU seconds the processes of the server started on `stateDirectory` have used so far. */
export function serverCpuSeconds(stateDirectory: string): number {
  let ticks = 0;
  for (const pid of serverProcessIds(stateDirectory)) {
    const stat = readProc(pid, "stat");
    // After the name's closing parenthesis: state, then 10 more fields, then utime and stime.
    const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields?.[11] ?? 0) + Number(fields?.[12] ?? 0);
  }
  return ticks / ticksPerSecond;
}

/**
 * The CPU clock of the server this run started on `stateDirectory`, in milliseconds (whole ticks of 10 ms, so measure
 * many requests at a time); null for a server given by `--url`, whose processes this run cannot tell apart.
 */
export function serverCpuClock(stateDirectory: string | undefined): (() => number) | null {
  return stateDirectory === undefined ? null : () => serverCpuSeconds(stateDirectory) * 1000;
}

/**
 * Waits until the server is idle: until its CPU clock moves by at most one tick in 100 ms (or 10 s have passed), so
 * that the CPU measured next is not what earlier requests left running (an answer's work after its stream ends).
 */
export async function serverIdle(cpuClock: () => number): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (let last = cpuClock(); performance.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = cpuClock();
    if (now - last <= 10) return;
    last = now;
  }
}

/** `label  12.3 ms of server CPU, 45.6 × a health check's`. */
export function cpuLine(label: string, milliseconds: number, healthCheckMilliseconds: number): string {
  const format = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
  return `${label.padEnd(34)} ${format(milliseconds)} ms of server CPU, ${(milliseconds / healthCheckMilliseconds).toFixed(1)} × a health check's`;
}

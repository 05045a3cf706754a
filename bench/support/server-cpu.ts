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

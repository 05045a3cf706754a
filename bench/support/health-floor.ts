/**
 * The floor a benchmark compares against: `GET /api/health` (no auth, no storage) sent `concurrency` at a time, the
 * same number as the measured requests and in the same minutes, so a ratio of the two says what a request costs
 * in health checks whatever else the machine is doing.
 */
import type { ApiClient } from "../../client/api-client.ts";
import { serverIdle } from "./server-cpu.ts";

/** The client-side milliseconds of `concurrency` health checks sent at once. */
export async function healthBurst(api: ApiClient, concurrency: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: concurrency }, async () => {
      const started = performance.now();
      const response = await api.health.$get();
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`GET /api/health answered ${response.status}`);
      return performance.now() - started;
    }),
  );
}

/**
 * The server CPU milliseconds one health check costs (`cpuClock`: see `serverCpuClock`), over at least `minimum` of
 * them sent `concurrency` at a time once the server is idle: the floor of a request's cost, as the health checks'
 * latency is of its latency.
 */
export async function healthCheckCpu(
  api: ApiClient,
  cpuClock: () => number,
  concurrency: number,
  minimum = 200,
): Promise<number> {
  await serverIdle(cpuClock);
  const bursts = Math.ceil(minimum / concurrency);
  const before = cpuClock();
  for (let burst = 0; burst < bursts; burst++) await healthBurst(api, concurrency);
  return (cpuClock() - before) / (bursts * concurrency);
}

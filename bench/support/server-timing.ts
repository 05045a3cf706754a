/** Reads the `Server-Timing` header (`name;dur=12.3;desc="…", …`) into milliseconds by metric name. */
export function serverTimings(header: string | null): Map<string, number> {
  const timings = new Map<string, number>();
  for (const metric of (header ?? "").split(",")) {
    const [name, ...parameters] = metric.trim().split(";");
    const duration = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith("dur="));
    if (name && duration) timings.set(name, Number(duration.slice(4)));
  }
  return timings;
}

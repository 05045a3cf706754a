/** Bytes in megabytes (MiB, as the limits are set), or kilobytes below one: "100 MB", "1.5 MB", "256 KB". */
export function formatMegabytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

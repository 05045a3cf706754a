/** Where progress goes: stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** One phase of a run (uploading, indexing), shown as a bar on a terminal and as lines elsewhere. */
export interface Progress {
  addBytes(bytes: number): void;
  /** One file is done: the bar moves on; without a terminal, `line` is printed. */
  finishFile(line: string): void;
  /** Ends the bar's line, so what follows starts on a fresh one. */
  stop(): void;
}

const redrawIntervalMs = 100;
const barWidth = 24;

/** A progress bar on a terminal; one line per finished file when the output is a pipe or a log file. */
export function createProgress(
  stream: ProgressStream,
  { label, totalFiles, totalBytes }: { label: string; totalFiles: number; totalBytes: number },
  now: () => number = Date.now,
): Progress {
  let files = 0;
  let bytes = 0;
  let lastDrawn = Number.NEGATIVE_INFINITY;
  const draw = (force: boolean) => {
    if (!stream.isTTY || (!force && now() - lastDrawn < redrawIntervalMs)) return;
    lastDrawn = now();
    const fraction = totalBytes > 0 ? bytes / totalBytes : totalFiles > 0 ? files / totalFiles : 1;
    const filled = Math.round(Math.min(1, fraction) * barWidth);
    const sizes = totalBytes > 0 ? `  ${formatBytes(bytes)}/${formatBytes(totalBytes)}` : "";
    const line = `${label} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${files}/${totalFiles} files${sizes}`;
    // Kept shorter than the terminal, or it wraps and every redraw leaves a line behind; a pty may say 0 columns.
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 80) - 1)}`);
  };
  draw(true);
  return {
    addBytes(count) {
      bytes += count;
      draw(false);
    },
    finishFile(line) {
      files += 1;
      if (stream.isTTY) draw(files === totalFiles);
      else stream.write(`${line}\n`);
    },
    stop() {
      if (stream.isTTY) {
        draw(true);
        stream.write("\n");
      }
    },
  };
}

/** Bytes in the units people read: 512 B, 1.2 kB, 12.0 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(1)} GB`;
}

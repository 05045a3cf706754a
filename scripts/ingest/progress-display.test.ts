import { describe, expect, it } from "vitest";
import { createProgress, formatBytes } from "./progress-display.ts";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) } };
}

describe("createProgress", () => {
  it("prints one line per finished file when the output is not a terminal", () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress(stream, { label: "Uploading", totalFiles: 2, totalBytes: 300 });
    progress.addBytes(100);
    progress.finishFile("uploaded a.md (new, 100 B)");
    progress.finishFile("failed b.md: too large");
    progress.stop();
    expect(writes).toEqual(["uploaded a.md (new, 100 B)\n", "failed b.md: too large\n"]);
  });

  it("redraws one bar on a terminal, at most every 100 ms, and always when done", () => {
    const { writes, stream } = fakeStream(true);
    let time = 0;
    const progress = createProgress(stream, { label: "Uploading", totalFiles: 2, totalBytes: 2000 }, () => time);
    progress.addBytes(500);
    time = 150;
    progress.addBytes(500);
    progress.finishFile("uploaded a.md");
    time = 160;
    progress.addBytes(1000);
    progress.finishFile("uploaded b.md");
    progress.stop();

    expect(writes[0]).toBe(`\r\x1b[2KUploading [${"-".repeat(24)}] 0/2 files  0 B/2.0 kB`);
    expect(writes[1]).toBe(`\r\x1b[2KUploading [${"#".repeat(12)}${"-".repeat(12)}] 0/2 files  1.0 kB/2.0 kB`);
    expect(writes.at(-2)).toBe(`\r\x1b[2KUploading [${"#".repeat(24)}] 2/2 files  2.0 kB/2.0 kB`);
    expect(writes.at(-1)).toBe("\n");
    expect(writes.join("")).not.toContain("uploaded a.md");
  });
});

describe("formatBytes", () => {
  it("uses the unit people read", () => {
    expect([999, 1200, 12_000_000, 3_500_000_000].map(formatBytes)).toEqual(["999 B", "1.2 kB", "12.0 MB", "3.5 GB"]);
  });
});

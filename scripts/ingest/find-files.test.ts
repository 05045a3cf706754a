import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findFiles } from "./find-files.ts";

let root: string;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(root, path, ".."), { recursive: true });
  await writeFile(join(root, path), text);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "find-files-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("findFiles", () => {
  it("walks folders recursively, keeps supported files and names them by their path from the root", async () => {
    await write("guide.md", "# Guide");
    await write("docs/setup.MARKDOWN", "# Setup");
    await write("docs/deep/data.csv", "a,b\n1,2");
    await write("docs/deep/page.htm", "<p>x</p>");
    await write("docs/photo.png", "png");
    await write("docs/notes", "no extension");
    await write(".git/HEAD.txt", "hidden folder");
    await write("node_modules/pkg/README.md", "dependency");
    await write("docs/.cache/page.html", "hidden folder");

    const { files, unsupported } = await findFiles([root]);

    expect(files.map((file) => file.externalId).sort()).toEqual([
      "docs/deep/data.csv",
      "docs/deep/page.htm",
      "docs/setup.MARKDOWN",
      "guide.md",
    ]);
    expect(files.find((file) => file.externalId === "guide.md")).toMatchObject({
      path: join(root, "guide.md"),
      size: 7,
      contentType: "text/markdown",
    });
    expect(unsupported).toEqual([]);
  });

  it("names a file given directly by its file name, and reports one it cannot ingest", async () => {
    await write("a/report.pdf", "%PDF-");
    await write("a/image.png", "png");

    const { files, unsupported } = await findFiles([join(root, "a/report.pdf"), join(root, "a/image.png")]);

    expect(files).toEqual([
      { path: join(root, "a/report.pdf"), externalId: "report.pdf", size: 5, contentType: "application/pdf" },
    ]);
    expect(unsupported).toEqual([join(root, "a/image.png")]);
  });

  it("fails clearly for a path that does not exist", async () => {
    await expect(findFiles([join(root, "missing")])).rejects.toThrow(/No such file or folder: .*missing/);
  });
});

import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { contentTypeForFile } from "./supported-files.ts";

/** A file to ingest, named on the server by its path relative to the folder it was found in. */
export interface LocalFile {
  path: string;
  externalId: string;
  size: number;
  contentType: string;
}

export interface FoundFiles {
  files: LocalFile[];
  /** Files named on the command line whose type the server cannot ingest. */
  unsupported: string[];
}

const skippedFolders = new Set(["node_modules"]);

/**
 * Collects the supported files under each path: folders are walked recursively (skipping dot-folders and
 * node_modules); a file named directly is its own root, so its external id is its name. Symbolic links are
 * not followed, so a link cycle cannot make the walk endless.
 */
export async function findFiles(paths: string[]): Promise<FoundFiles> {
  const files: LocalFile[] = [];
  const unsupported: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const stats = await stat(absolute).catch(() => null);
    if (!stats) throw new Error(`No such file or folder: ${path}`);
    if (stats.isDirectory()) {
      files.push(...(await walk(absolute, absolute)));
      continue;
    }
    const contentType = contentTypeForFile(absolute);
    if (contentType) {
      files.push({ path: absolute, externalId: basename(absolute), size: stats.size, contentType });
    } else {
      unsupported.push(path);
    }
  }
  return { files: files.sort((first, second) => first.path.localeCompare(second.path)), unsupported };
}

async function walk(root: string, folder: string): Promise<LocalFile[]> {
  const entries: Dirent[] = await readdir(folder, { withFileTypes: true });
  const files: LocalFile[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && !skippedFolders.has(entry.name)) files.push(...(await walk(root, path)));
      continue;
    }
    const contentType = entry.isFile() ? contentTypeForFile(entry.name) : null;
    if (!contentType) continue;
    const { size } = await stat(path);
    files.push({ path, externalId: toExternalId(root, path), size, contentType });
  }
  return files;
}

function toExternalId(root: string, path: string): string {
  const relativePath = relative(root, path) || basename(path);
  return relativePath.split(sep).join("/");
}

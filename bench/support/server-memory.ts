/**
 * The resident memory of a locally started server: the processes whose environment names its state folder (the start
 * script and what it spawned) and all their descendants, read from `/proc` (Linux).
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessMemory {
  pid: number;
  name: string;
  residentMb: number;
}

export function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    // The process ended, or is not ours to read.
    return null;
  }
}

function processIds(): number[] {
  return readdirSync("/proc").flatMap((entry) => (/^\d+$/.test(entry) ? [Number(entry)] : []));
}

/** The parent of `pid`: the field after the state in `/proc/<pid>/stat`, whose name part may hold spaces. */
function parentOf(pid: number): number | null {
  const stat = readProc(pid, "stat");
  const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields?.[1] === undefined ? null : Number(fields[1]);
}

/** Every process of the server started on `stateDirectory`: the ones whose environment names it, and their descendants. */
export function serverProcessIds(stateDirectory: string): number[] {
  const marker = `RAG_STATE_DIR=${stateDirectory}`;
  const all = processIds();
  const members = new Set(all.filter((pid) => readProc(pid, "environ")?.split("\0").includes(marker)));
  // Descendants whose environment was replaced still belong to the server.
  for (let grew = true; grew; ) {
    grew = false;
    for (const pid of all) {
      const parent = parentOf(pid);
      if (!members.has(pid) && parent !== null && members.has(parent)) {
        members.add(pid);
        grew = true;
      }
    }
  }
  return [...members];
}

/** Every process of the server started on `stateDirectory`, with its name and resident set size. */
export function serverProcessMemory(stateDirectory: string): ProcessMemory[] {
  return serverProcessIds(stateDirectory).flatMap((pid) => {
    const status = readProc(pid, "status");
    const name = /^Name:\s+(.+)$/m.exec(status ?? "")?.[1];
    const residentKb = /^VmRSS:\s+(\d+) kB$/m.exec(status ?? "")?.[1];
    return name === undefined || residentKb === undefined ? [] : [{ pid, name, residentMb: Number(residentKb) / 1024 }];
  });
}

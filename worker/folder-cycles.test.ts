/// <reference types="vite/types/importMeta.d.ts" />
import { describe, expect, it } from "vitest";

// Every production source file of the Worker, as text, keyed by its path relative to this folder ("./rag/chunk.ts").
const sources = import.meta.glob<string>(["./**/*.ts", "!./**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

/**
 * Imports that point up the layers on purpose, each with why it stays. Every other import between two folders must
 * keep the folders acyclic, so a new cycle fails this test; an entry that no longer matches an import fails it too.
 */
const knownBackEdges: Array<{ from: string; to: string; reason: string }> = [
  { from: "lib/", to: "contract", reason: "AppError answers with the error codes the wire contract defines" },
  { from: "auth/", to: "app-env", reason: "requireRole is Hono middleware that puts the principal on the context" },
  { from: "audit/", to: "app-env", reason: "audited is Hono middleware that reads the principal and services" },
];

/**
 * The folder (or, for a file directly in `worker/`, the module) that a path relative to `worker/` belongs to:
 * "./rag/chunk.ts" → "rag/", "./app-env.ts" and "./app-env" → "app-env".
 */
function unitOf(path: string): string {
  const [first = path, second] = path.replace(/^\.\//, "").split("/");
  return second === undefined ? first.replace(/\.ts$/, "") : `${first}/`;
}

/** Resolves a relative specifier against the importing file's path (both relative to `worker/`). */
function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== ".") parts.push(segment);
  }
  return parts.join("/");
}

const importSpecifier = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** The edges between units, each with the files that make it ("rag/ -> db/" → ["./rag/hybrid-retrieve.ts"]). */
function unitImports(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const [path, text] of Object.entries(sources)) {
    const from = unitOf(path);
    for (const [, specifier] of text.matchAll(importSpecifier)) {
      if (specifier === undefined) continue;
      const target = resolve(path, specifier);
      // Imports that leave `worker/` (test support, the SPA) are not edges between its folders.
      if (!target.startsWith("./")) continue;
      const to = unitOf(target);
      if (to === from) continue;
      const targets = graph.get(from) ?? new Map<string, string[]>();
      targets.set(to, [...(targets.get(to) ?? []), path]);
      graph.set(from, targets);
    }
  }
  return graph;
}

/** One cycle of the graph as a path that returns to its start, or null when there is none. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (unit: string): string[] | null => {
    state.set(unit, "open");
    stack.push(unit);
    for (const next of graph.get(unit) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(unit, "done");
    return null;
  };
  for (const unit of graph.keys()) {
    if (state.get(unit) !== undefined) continue;
    const cycle = visit(unit);
    if (cycle) return cycle;
  }
  return null;
}

describe("imports between the folders of worker/", () => {
  const graph = unitImports();

  it("reads the Worker's sources", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    expect(graph.get("rag/")?.has("vector/")).toBe(true);
  });

  it("form no cycle, apart from the known back edges", () => {
    const acyclic = new Map<string, Set<string>>();
    for (const [from, targets] of graph) {
      const kept = [...targets.keys()].filter(
        (to) => !knownBackEdges.some((edge) => edge.from === from && edge.to === to),
      );
      acyclic.set(from, new Set(kept));
    }
    const cycle = findCycle(acyclic);
    const described = cycle?.map((unit, index) => {
      const next = cycle[index + 1];
      return next === undefined ? unit : `${unit} (${graph.get(unit)?.get(next)?.join(", ")})`;
    });
    expect(described ?? null, "a cycle of imports between folders; each step names the importing files").toBeNull();
  });

  it("lists only back edges that still exist", () => {
    const stale = knownBackEdges.filter((edge) => !graph.get(edge.from)?.has(edge.to));
    expect(stale).toEqual([]);
  });
});

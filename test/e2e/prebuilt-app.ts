/**
 * Global setup of the end-to-end tests: one production build for every server they start (`RAG_PREBUILT_DIR`; each
 * server applies its own var overrides when it serves it), instead of a build per server.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../scripts/lib/build-app.ts";

export default async function buildOnce(): Promise<() => Promise<void>> {
  const buildDir = await mkdtemp(join(tmpdir(), "edge-rag-chat-build-"));
  await buildApp(buildDir);
  process.env.RAG_PREBUILT_DIR = buildDir;
  return () => rm(buildDir, { recursive: true, force: true });
}

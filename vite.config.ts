import { fileURLToPath } from "node:url";
import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Local runs never call out: Miniflare would otherwise fetch the `Request.cf` object from Cloudflare.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Vars that an environment variable of the same name overrides when running locally (`AI_PROVIDER=openai npm start`). */
const overridableVars = [
  "AI_PROVIDER",
  "CHAT_MODEL",
  "EMBEDDING_MODEL",
  "EMBEDDING_DIMENSIONS",
  "OPENAI_BASE_URL",
  "DEV_AUTH",
  "MAX_UPLOAD_BYTES",
  "MAX_FILE_BYTES",
  "INGEST_SLICE_SIZE",
  "CHUNK_TARGET_CHARS",
  "CHUNK_OVERLAP_CHARS",
  "RETRIEVAL_TOP_K",
  "LOCAL_ANSWER_DELAY_MS",
  "RRF_K",
  "FUSION_WEIGHTS",
  "FTS_COLUMN_WEIGHTS",
  "RETRIEVAL_CANDIDATES",
];

export default defineConfig({
  root: fromRoot("./web"),
  // RAG_BUILD_DIR gives a server of its own build (npm start sets it beside RAG_STATE_DIR), so two never clash.
  build: { outDir: process.env.RAG_BUILD_DIR ?? fromRoot("./dist"), emptyOutDir: true },
  plugins: [
    react(),
    cloudflare({
      configPath: fromRoot("./wrangler.toml"),
      // Local D1/R2/DO state: RAG_STATE_DIR (tests isolate themselves with it), else the project's
      // .wrangler/state, where `wrangler d1 migrations apply --local` writes too (not web/.wrangler, Vite's root).
      persistState: { path: process.env.RAG_STATE_DIR ?? fromRoot("./.wrangler/state") },
      config: (worker) => ({
        vars: {
          ...worker.vars,
          ...Object.fromEntries(
            overridableVars.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
          ),
        },
      }),
    }),
  ],
});

/**
 * The local vector index's scan, alone in Node: `npm run bench:vector-scan -- [--vectors 100000] [--queries 50]`.
 *
 * Embeds sections of generated handbooks (`support/synthetic-corpus.ts`) with the offline hashing embedder, then per
 * query measures the CPU time of (a) an exact scan of every float32 vector with precomputed norms and a top-100 heap,
 * which is what the index did before, and (b) the int8 scan of `QuantizedMatrix` for the 170 candidates a top-100
 * query rescores, plus that rescoring from the floats, also for dense queries (every component non-zero, as a real
 * embedding model's are); and how many of the exact top 10 and top 100 the rescored result holds. Prints the bytes each layout holds per vector. CPU time, not wall time, so other work on the machine
 * slows it little.
 */
import { parseArgs } from "node:util";
import { embedText } from "../worker/models/hashing-embedder.ts";
import { quantizeVector } from "../worker/vector/int8-quantization.ts";
import { QuantizedMatrix } from "../worker/vector/quantized-matrix.ts";
import { rescore } from "../worker/vector/rescore.ts";
import { TopK } from "../worker/vector/top-k.ts";
import { SyntheticCorpus } from "./support/synthetic-corpus.ts";

const { values } = parseArgs({
  options: { vectors: { type: "string", default: "100000" }, queries: { type: "string", default: "50" } },
});
const vectorCount = Number(values.vectors);
const queryCount = Number(values.queries);
if (!Number.isInteger(vectorCount) || vectorCount < 1000 || !Number.isInteger(queryCount) || queryCount < 1) {
  console.error("usage: npm run bench:vector-scan -- [--vectors N (at least 1000)] [--queries N]");
  process.exit(2);
}

const dimensions = 768;
// What a top-100 query rescores (see local-vector-index.ts).
const topK = 100;
const candidateCount = 170;

const corpus = new SyntheticCorpus(1);
const ids: string[] = [];
const floats = new Float32Array(vectorCount * dimensions);
const norms = new Float64Array(vectorCount);
const matrix = new QuantizedMatrix();
/** The ArrayBuffer bytes this process holds after a full collection (the script runs with --expose-gc). */
const heldBuffers = () => {
  globalThis.gc?.();
  return process.memoryUsage().arrayBuffers;
};
const buffersBefore = heldBuffers();
for (let document = 0; ids.length < vectorCount; document += 1) {
  for (const [position, section] of corpus.document(document, 1).text.split("\n## ").entries()) {
    if (ids.length === vectorCount) break;
    const row = ids.length;
    const vector = Float32Array.from(embedText(section, dimensions));
    floats.set(vector, row * dimensions);
    norms[row] = Math.hypot(...vector);
    ids.push(`doc-${document}-${position}`);
    matrix.set(
      ids[row] ?? "",
      quantizeVector(vector),
      JSON.stringify({ documentId: `doc-${document}`, collection: "handbooks" }),
    );
  }
}
const matrixBytes = heldBuffers() - buffersBefore;
const queries: Float32Array[] = Array.from({ length: queryCount }, (_, index) =>
  Float32Array.from(embedText(index % 2 === 0 ? corpus.question() : corpus.searchQuery(), dimensions)),
);

function exactScan(query: Float32Array): string[] {
  const queryNorm = Math.hypot(...query);
  const best = new TopK(topK, (row) => ids[row] ?? "");
  for (let row = 0; row < vectorCount; row += 1) {
    const offset = row * dimensions;
    let dot = 0;
    for (let index = 0; index < dimensions; index += 1) dot += (floats[offset + index] ?? 0) * (query[index] ?? 0);
    const norm = (norms[row] ?? 0) * queryNorm;
    best.offer(norm > 0 ? dot / norm : 0, row);
  }
  return best.sorted().map(({ entry }) => ids[entry] ?? "");
}

const rows = new Map(ids.map((id, row) => [id, row]));
const storedValues = (id: string) => {
  const row = rows.get(id);
  return row === undefined ? undefined : floats.subarray(row * dimensions, (row + 1) * dimensions);
};
function quantizedScan(query: Float32Array): string[] {
  const candidates = matrix.candidates(query, candidateCount, () => true);
  return rescore(query, candidates, storedValues, topK).map((match) => match.id);
}

/** CPU milliseconds per query of `scan` over `asked`, after two warm-up queries, and its results. */
function measure(
  scan: (query: Float32Array) => string[],
  asked: readonly Float32Array[] = queries,
): { cpuMs: number; results: string[][] } {
  scan(asked[0] ?? new Float32Array(dimensions));
  scan(asked[1] ?? new Float32Array(dimensions));
  const started = process.cpuUsage();
  const results = asked.map((query) => scan(query));
  const { user, system } = process.cpuUsage(started);
  return { cpuMs: (user + system) / 1000 / queries.length, results };
}

const exact = measure(exactScan);
const quantized = measure(quantizedScan);
// A real embedding model's query has no zero components: the int8 scan then reads every code of every row.
const dense = measure(
  quantizedScan,
  queries.map((query) => Float32Array.from(query, (value) => value + 1e-3)),
);
const recall = (k: number) => {
  let found = 0;
  exact.results.forEach((expected, query) => {
    const got = new Set(quantized.results[query]?.slice(0, k));
    found += expected.slice(0, k).filter((id) => got.has(id)).length;
  });
  return found / (k * queries.length);
};
console.log(`${vectorCount} vectors of ${dimensions} dimensions (hashed handbook sections); ${queryCount} queries`);
console.log(
  `exact float32 scan:        ${exact.cpuMs.toFixed(1)} ms CPU a query; ${dimensions * 4 + 8} bytes a vector`,
);
console.log(
  `int8 scan + rescoring:     ${quantized.cpuMs.toFixed(1)} ms CPU a query; ` +
    `${(matrixBytes / vectorCount).toFixed(0)} bytes a vector in typed arrays (plus its id)`,
);
console.log(`int8 scan, dense queries:   ${dense.cpuMs.toFixed(1)} ms CPU a query (every component non-zero)`);
console.log(`speed-up: ${(exact.cpuMs / quantized.cpuMs).toFixed(1)}×; recall@10 ${recall(10)}, @100 ${recall(100)}`);

import { env } from "cloudflare:workers";
import { FakeVectorize } from "../../test/support/fake-vectorize";
import { describeVectorIndexContract } from "../../test/support/vector-index-contract";
import { createLocalVectorStore } from "./local-vector-store";
import { createVectorizeStore } from "./vectorize-store";

const indexedProperties = ["documentId", "collection"];

describeVectorIndexContract({
  name: "LocalVectorIndex through the local store",
  create: () => createLocalVectorStore(env.LOCAL_VECTOR_INDEX),
  // Offline every property is indexed.
  indexedMetadata: (metadata) => metadata,
});

describeVectorIndexContract({
  name: "Vectorize (documented behaviour) through the Vectorize store",
  create: () => createVectorizeStore(new FakeVectorize({ dimensions: 4, indexedProperties })),
  indexedMetadata: (metadata) =>
    Object.fromEntries(Object.entries(metadata).filter(([key]) => indexedProperties.includes(key))),
});

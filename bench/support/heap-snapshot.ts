/** Reading a V8 heap snapshot (the JSON that DevTools saves as `.heapsnapshot`). */
import { z } from "zod";

const heapSnapshot = z.object({
  snapshot: z.object({ meta: z.object({ node_fields: z.array(z.string()) }) }),
  nodes: z.array(z.number()),
  strings: z.array(z.string()),
});

/** The node V8 adds for the contents of each ArrayBuffer, which live outside its heap. */
const arrayBufferDataNode = "system / JSArrayBufferData";

/** The bytes of ArrayBuffer contents (typed arrays' memory) a heap snapshot holds. */
export function arrayBufferBytes(snapshot: unknown): number {
  const { snapshot: header, nodes, strings } = heapSnapshot.parse(snapshot);
  const fields = header.meta.node_fields;
  const name = fields.indexOf("name");
  const selfSize = fields.indexOf("self_size");
  if (name < 0 || selfSize < 0) throw new Error("the heap snapshot's nodes have no name or self_size");
  let bytes = 0;
  for (let node = 0; node < nodes.length; node += fields.length) {
    if (strings[nodes[node + name] ?? -1] === arrayBufferDataNode) bytes += nodes[node + selfSize] ?? 0;
  }
  return bytes;
}

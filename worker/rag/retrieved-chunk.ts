/** A passage returned by retrieval, hydrated from D1 and ready to cite. */
export interface RetrievedChunk {
  chunkId: string;
  documentId: string;
  externalId: string | null;
  title: string;
  headingPath: string;
  text: string;
  score: number;
}

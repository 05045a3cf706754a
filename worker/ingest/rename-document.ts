import { type DocumentRow, updateDocument } from "../db/documents";
import { reingestDocument, type SubmitDependencies } from "./submit-document";

/**
 * Gives a document the title an admin chose, which no title in its file replaces from then on. Every chunk is
 * embedded with its document's title, so the document is ingested again under the new one (the full-text index
 * follows at once); a failed document only changes its title and keeps its failure until it is re-ingested.
 */
export async function renameDocument(
  deps: SubmitDependencies,
  document: DocumentRow,
  title: string,
): Promise<DocumentRow> {
  if (document.title === title && document.titleSource === "explicit") return document;
  const changes = { title, titleSource: "explicit" as const };
  if (document.status !== "failed") return reingestDocument(deps, document, changes);
  const [renamed] = await updateDocument(deps.db, document.id, changes).returning();
  return renamed ?? document;
}

import { useSyncExternalStore } from "react";
import type { TextRange } from "../lib/supporting-sentences";

/** The admin pages, each at `#/<page>`. */
export const adminPages = ["integrations", "audit", "collections"] as const;
export type AdminPage = (typeof adminPages)[number];

/**
 * The page the URL hash points at: `#/chat/<conversation id>`, `#/chat`, `#/documents`, a document's text
 * (`#/documents/<id>?chunk=<chunk id>&mark=<start>-<end>,…`: a passage and cited sentences in it) or an admin page.
 */
export type Route =
  | { page: "chat"; conversationId: string | null }
  | { page: "documents" }
  | { page: "document"; documentId: string; chunkId: string | null; marks: TextRange[] }
  | { [Page in AdminPage]: { page: Page } }[AdminPage];

function isAdminPage(page: string | undefined): page is AdminPage {
  return adminPages.some((adminPage) => adminPage === page);
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

const readHash = () => window.location.hash;

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?");
  const [page, conversationId] = path.split("/");
  if (page === "documents" && conversationId) {
    const parameters = new URLSearchParams(query);
    return {
      page: "document",
      documentId: decodeURIComponent(conversationId),
      chunkId: parameters.get("chunk"),
      marks: parseMarks(parameters.get("mark") ?? ""),
    };
  }
  if (page === "documents") return { page: "documents" };
  if (isAdminPage(page)) return { page };
  return { page: "chat", conversationId: conversationId ? decodeURIComponent(conversationId) : null };
}

export function chatHref(conversationId: string | null): string {
  return conversationId ? `#/chat/${encodeURIComponent(conversationId)}` : "#/chat";
}

export const documentsHref = "#/documents";

/** A document's text, scrolled to a passage (`chunkId`) with the sentences `marks` highlighted in it. */
export function documentHref(documentId: string, chunkId: string | null = null, marks: readonly TextRange[] = []) {
  const parameters = new URLSearchParams();
  if (chunkId !== null) parameters.set("chunk", chunkId);
  if (marks.length > 0) parameters.set("mark", marks.map((range) => `${range.start}-${range.end}`).join(","));
  const query = parameters.size > 0 ? `?${parameters}` : "";
  return `#/documents/${encodeURIComponent(documentId)}${query}`;
}

// "12-40,58-90": ranges as `documentHref` writes them; anything else is ignored.
function parseMarks(value: string): TextRange[] {
  return value.split(",").flatMap((range) => {
    const match = /^(\d{1,7})-(\d{1,7})$/.exec(range);
    const start = Number(match?.[1]);
    const end = Number(match?.[2]);
    return match && start < end ? [{ start, end }] : [];
  });
}

export function adminPageHref(page: AdminPage): string {
  return `#/${page}`;
}

/** Replaces the current hash without adding a history entry (for normalising `#/chat` to a concrete id). */
export function replaceHash(hash: string): void {
  window.history.replaceState(window.history.state, "", hash);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, readHash);
  return parseRoute(hash);
}

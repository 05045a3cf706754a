import { useSyncExternalStore } from "react";

/** The page the URL hash points at: `#/chat/<conversation id>`, `#/chat` or `#/documents`. */
export type Route = { page: "chat"; conversationId: string | null } | { page: "documents" };

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

const readHash = () => window.location.hash;

export function parseRoute(hash: string): Route {
  const [page, conversationId] = hash.replace(/^#\/?/, "").split("/");
  if (page === "documents") return { page: "documents" };
  return { page: "chat", conversationId: conversationId ? decodeURIComponent(conversationId) : null };
}

export function chatHref(conversationId: string | null): string {
  return conversationId ? `#/chat/${encodeURIComponent(conversationId)}` : "#/chat";
}

export const documentsHref = "#/documents";

/** Replaces the current hash without adding a history entry (for normalising `#/chat` to a concrete id). */
export function replaceHash(hash: string): void {
  window.history.replaceState(window.history.state, "", hash);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, readHash);
  return parseRoute(hash);
}

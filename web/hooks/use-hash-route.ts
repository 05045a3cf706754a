import { useSyncExternalStore } from "react";

/** The admin pages, each at `#/<page>`. */
export const adminPages = ["integrations", "audit", "collections"] as const;
export type AdminPage = (typeof adminPages)[number];

/** The page the URL hash points at: `#/chat/<conversation id>`, `#/chat`, `#/documents` or an admin page. */
export type Route =
  | { page: "chat"; conversationId: string | null }
  | { page: "documents" }
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
  const [page, conversationId] = hash.replace(/^#\/?/, "").split("/");
  if (page === "documents") return { page: "documents" };
  if (isAdminPage(page)) return { page };
  return { page: "chat", conversationId: conversationId ? decodeURIComponent(conversationId) : null };
}

export function chatHref(conversationId: string | null): string {
  return conversationId ? `#/chat/${encodeURIComponent(conversationId)}` : "#/chat";
}

export const documentsHref = "#/documents";

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

import { type AdminPage, adminPageHref, chatHref, documentsHref, type Route } from "../hooks/use-hash-route";
import { useIsAdmin } from "../hooks/use-is-admin";

const adminTabs: Array<{ page: AdminPage; label: string }> = [
  { page: "integrations", label: "Integrations" },
  { page: "audit", label: "Audit" },
  { page: "collections", label: "Collections" },
];

/** The header's links to the pages; the admin pages only for admins. */
export function PageTabs({ route, token }: { route: Route; token: string }) {
  const isAdmin = useIsAdmin(token);
  return (
    <nav className="tabs" aria-label="Pages">
      <a
        href={chatHref(route.page === "chat" ? route.conversationId : null)}
        data-testid="chat-tab"
        aria-current={route.page === "chat" ? "page" : undefined}
      >
        Chat
      </a>
      <a
        href={documentsHref}
        data-testid="documents-tab"
        aria-current={route.page === "documents" ? "page" : undefined}
      >
        Documents
      </a>
      {isAdmin
        ? adminTabs.map(({ page, label }) => (
            <a
              key={page}
              href={adminPageHref(page)}
              data-testid={`${page}-tab`}
              aria-current={route.page === page ? "page" : undefined}
            >
              {label}
            </a>
          ))
        : null}
    </nav>
  );
}

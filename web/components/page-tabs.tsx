import { type AdminPage, adminPageHref, chatHref, documentsHref, type Route } from "../hooks/use-hash-route";

const adminTabs: Array<{ page: AdminPage; label: string }> = [
  { page: "integrations", label: "Integrations" },
  { page: "audit", label: "Audit" },
  { page: "collections", label: "Collections" },
];

/** The header's links to the pages; the documents and admin pages only for admins. */
export function PageTabs({ route, isAdmin }: { route: Route; isAdmin: boolean }) {
  return (
    <nav className="tabs" aria-label="Pages">
      <a
        href={chatHref(route.page === "chat" ? route.conversationId : null)}
        data-testid="chat-tab"
        aria-current={route.page === "chat" ? "page" : undefined}
      >
        Chat
      </a>
      {isAdmin ? (
        <a
          href={documentsHref}
          data-testid="documents-tab"
          aria-current={route.page === "documents" ? "page" : undefined}
        >
          Documents
        </a>
      ) : null}
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

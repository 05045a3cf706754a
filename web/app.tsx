import { PageTabs } from "./components/page-tabs";
import { TokenForm } from "./components/token-form";
import { useAuth } from "./hooks/use-auth";
import { useHashRoute } from "./hooks/use-hash-route";
import { AuditPage } from "./routes/audit-page";
import { ChatPage } from "./routes/chat-page";
import { CollectionsPage } from "./routes/collections-page";
import { DocumentPage } from "./routes/document-page";
import { DocumentsPage } from "./routes/documents-page";
import { IntegrationsPage } from "./routes/integrations-page";

/**
 * The app shell: sign-in, the pages chosen by the URL hash (chat, documents, and for admins integrations, audit and
 * collections), and what runs the answers.
 */
export function App() {
  const { state, signIn, signOut } = useAuth();
  const route = useHashRoute();
  const health = state.status === "signed-in" ? state.health : null;

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Edge RAG chat</h1>
        {state.status === "signed-in" ? <PageTabs route={route} token={state.token} /> : null}
        {health ? (
          <p className="model-info hint">
            {health.models.offline ? (
              <span className="badge" title="No cloud model is configured; everything runs locally.">
                offline models
              </span>
            ) : null}
            <span>
              {health.models.chat} · {health.models.embedding} · {health.vectorIndex}
            </span>
            {!health.devAuth ? (
              <button type="button" className="button-quiet" onClick={signOut}>
                Sign out
              </button>
            ) : null}
          </p>
        ) : null}
      </header>
      <main className="app-main">
        {state.status === "loading" ? (
          <p className="hint" role="status">
            Connecting…
          </p>
        ) : state.status === "needs-token" ? (
          <TokenForm error={state.error} onSubmit={signIn} />
        ) : route.page === "document" ? (
          <DocumentPage
            key={`${route.documentId} ${route.chunkId}`}
            documentId={route.documentId}
            chunkId={route.chunkId}
            marks={route.marks}
          />
        ) : route.page === "documents" ? (
          <DocumentsPage maxUploadBytes={health?.limits.maxUploadBytes ?? null} />
        ) : route.page === "integrations" ? (
          <IntegrationsPage />
        ) : route.page === "audit" ? (
          <AuditPage />
        ) : route.page === "collections" ? (
          <CollectionsPage />
        ) : (
          <ChatPage conversationId={route.conversationId} />
        )}
      </main>
    </div>
  );
}

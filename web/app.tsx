import { TokenForm } from "./components/token-form";
import { useAuth } from "./hooks/use-auth";
import { chatHref, documentsHref, useHashRoute } from "./hooks/use-hash-route";
import { ChatPage } from "./routes/chat-page";
import { DocumentsPage } from "./routes/documents-page";

/** The app shell: sign-in, the two pages (chat and documents) chosen by the URL hash, and what runs the answers. */
export function App() {
  const { state, signIn, signOut } = useAuth();
  const route = useHashRoute();
  const health = state.status === "signed-in" ? state.health : null;

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Edge RAG chat</h1>
        {state.status === "signed-in" ? (
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
          </nav>
        ) : null}
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
        ) : route.page === "documents" ? (
          <DocumentsPage maxUploadBytes={health?.limits.maxUploadBytes ?? null} />
        ) : (
          <ChatPage conversationId={route.conversationId} />
        )}
      </main>
    </div>
  );
}

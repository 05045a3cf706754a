import { AccountBar } from "./components/account-bar";
import { AdminsOnly } from "./components/admins-only";
import { ConnectionBanner } from "./components/connection-banner";
import { PageTabs } from "./components/page-tabs";
import { mainContentId, SkipLink } from "./components/skip-link";
import { ThemeToggle } from "./components/theme-toggle";
import { useAuth } from "./hooks/use-auth";
import { useDocumentTitle } from "./hooks/use-document-title";
import { type Route, useHashRoute } from "./hooks/use-hash-route";
import { useIdentity } from "./hooks/use-identity";
import { AuditPage } from "./routes/audit-page";
import { ChatPage } from "./routes/chat-page";
import { CollectionsPage } from "./routes/collections-page";
import { DocumentPage } from "./routes/document-page";
import { DocumentsPage } from "./routes/documents-page";
import { IntegrationsPage } from "./routes/integrations-page";
import { SignInPage } from "./routes/sign-in-page";

const pageTitles: Record<Exclude<Route["page"], "chat">, string> = {
  documents: "Documents",
  document: "Document",
  integrations: "Integrations",
  audit: "Audit log",
  collections: "Collections",
};

/**
 * The app shell: sign-in, who is signed in, the pages chosen by the URL hash (chat for everyone; documents,
 * integrations, audit and collections for admins, a friendly refusal for members), and what runs the answers.
 */
export function App() {
  const { state, signInWithToken, signInForDevelopment, signOut } = useAuth();
  const route = useHashRoute();
  const health = state.status === "signed-in" ? state.health : null;
  const identity = useIdentity(state.status === "signed-in" ? state.token : null);
  const role = identity.data?.caller.role ?? null;
  const isAdmin = role === "admin";
  // The chat page names the tab after its conversation.
  useDocumentTitle(
    state.status === "signed-out"
      ? "Sign in"
      : state.status === "loading" || route.page === "chat"
        ? null
        : pageTitles[route.page],
  );

  return (
    <div className="app">
      <SkipLink />
      <header className="app-header">
        <h1 className="app-title">Edge RAG chat</h1>
        {state.status === "signed-in" ? <PageTabs route={route} isAdmin={isAdmin} /> : null}
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
          </p>
        ) : null}
        <div className="header-controls">
          <ThemeToggle />
          {state.status === "signed-in" ? <AccountBar identity={identity} onSignOut={signOut} /> : null}
        </div>
      </header>
      <main className="app-main" id={mainContentId} tabIndex={-1}>
        <ConnectionBanner />
        {state.status === "loading" ? (
          <p className="hint" role="status">
            Connecting…
          </p>
        ) : state.status === "signed-out" ? (
          <SignInPage
            devAuth={state.health?.devAuth === true}
            error={state.error}
            onToken={signInWithToken}
            onDevelopment={signInForDevelopment}
          />
        ) : route.page === "chat" ? (
          <ChatPage conversationId={route.conversationId} />
        ) : route.page === "document" ? (
          <DocumentPage
            key={`${route.documentId} ${route.chunkId}`}
            documentId={route.documentId}
            chunkId={route.chunkId}
            marks={route.marks}
          />
        ) : role === null ? (
          <p className="hint" role="status">
            {identity.error ? `Could not check your access: ${identity.error}` : "Checking your access…"}
          </p>
        ) : !isAdmin ? (
          <AdminsOnly role={role} />
        ) : route.page === "documents" ? (
          <DocumentsPage maxUploadBytes={health?.limits.maxUploadBytes ?? null} />
        ) : route.page === "integrations" ? (
          <IntegrationsPage />
        ) : route.page === "audit" ? (
          <AuditPage />
        ) : (
          <CollectionsPage />
        )}
      </main>
    </div>
  );
}

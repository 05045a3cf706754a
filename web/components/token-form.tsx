import { type FormEvent, useId, useState } from "react";
import type { SignIn } from "../hooks/use-auth";
import { ErrorMessage } from "./error-message";

/** Signs in with a pasted API token or key, and says why one cannot be used (expired, refused by the server). */
export function TokenForm({ onSubmit }: { onSubmit: SignIn<[token: string]> }) {
  const [token, setToken] = useState("");
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!token.trim()) return;
    setChecking(true);
    setProblem(null);
    const found = await onSubmit(token);
    // Signed in: this form is gone; otherwise it stays with the token, to be corrected.
    if (found !== null) {
      setProblem(found);
      setChecking(false);
    }
  }

  return (
    <form className="token-form panel" onSubmit={handleSubmit} data-testid="token-form">
      <h2>Sign in with a token</h2>
      <label htmlFor={inputId}>API token</label>
      <p id={hintId} className="hint">
        Paste a token or API key issued by your administrator. It is kept in this browser only.
      </p>
      <input
        id={inputId}
        type="password"
        autoComplete="off"
        spellCheck={false}
        aria-describedby={hintId}
        aria-invalid={problem !== null}
        data-testid="token-input"
        value={token}
        onChange={(event) => setToken(event.target.value)}
      />
      {problem ? <ErrorMessage message={problem} /> : null}
      <button type="submit" className="button-primary" disabled={!token.trim() || checking} data-testid="token-submit">
        {checking ? "Checking…" : "Use token"}
      </button>
    </form>
  );
}

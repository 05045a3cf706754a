import { type FormEvent, useId, useState } from "react";
import { ErrorMessage } from "./error-message";

/** Asks for an API token when the server does not hand out development tokens. */
export function TokenForm({ error, onSubmit }: { error: string | null; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState("");
  const inputId = useId();
  const hintId = useId();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (token.trim()) onSubmit(token);
  }

  return (
    <form className="token-form panel" onSubmit={handleSubmit}>
      <h2>Sign in</h2>
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
        value={token}
        onChange={(event) => setToken(event.target.value)}
      />
      {error ? <ErrorMessage message={error} /> : null}
      <button type="submit" className="button-primary" disabled={!token.trim()}>
        Use token
      </button>
    </form>
  );
}

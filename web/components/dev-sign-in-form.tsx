import { type FormEvent, useId, useState } from "react";
import { type Role, tenantSlugSchema } from "../../worker/contract";
import type { SignIn } from "../hooks/use-auth";
import { ErrorMessage } from "./error-message";

const roles: Array<{ role: Role; label: string; hint: string }> = [
  { role: "member", label: "Member", hint: "asks questions" },
  { role: "admin", label: "Admin", hint: "also manages documents, keys, audit and collections" },
];

/**
 * A development sign-in (only offered while the server runs with DEV_AUTH): a tenant, created if new, and a role;
 * the server hands out a signed token for them (`POST /api/dev/token`).
 */
export function DevSignInForm({ onSubmit }: { onSubmit: SignIn<[role: Role, tenant: string]> }) {
  const [tenant, setTenant] = useState("demo");
  const [role, setRole] = useState<Role>("member");
  const [signingIn, setSigningIn] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const tenantId = useId();
  const hintId = useId();
  const tenantCheck = tenantSlugSchema.safeParse(tenant.trim());
  const tenantProblem = tenantCheck.success ? null : (tenantCheck.error.issues[0]?.message ?? "Invalid tenant");

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!tenantCheck.success) return;
    setSigningIn(true);
    setProblem(null);
    const found = await onSubmit(role, tenantCheck.data);
    if (found !== null) {
      setProblem(found);
      setSigningIn(false);
    }
  }

  return (
    <form className="token-form panel" onSubmit={handleSubmit} data-testid="dev-sign-in">
      <h2>Sign in for development</h2>
      <p className="hint">This server hands out development identities (DEV_AUTH is on). No password is needed.</p>
      <label htmlFor={tenantId}>Tenant</label>
      <input
        id={tenantId}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={hintId}
        aria-invalid={tenantProblem !== null}
        data-testid="dev-sign-in-tenant"
        value={tenant}
        onChange={(event) => setTenant(event.target.value)}
      />
      <p id={hintId} className={tenantProblem ? "hint sign-in-problem" : "hint"}>
        {tenantProblem ?? "Lower-case letters, digits and '-'; a new tenant is created."}
      </p>
      <fieldset className="sign-in-roles">
        <legend>Role</legend>
        {roles.map((choice) => (
          <label key={choice.role} className="sign-in-role">
            <input
              type="radio"
              name="role"
              value={choice.role}
              data-testid={`dev-sign-in-${choice.role}`}
              checked={role === choice.role}
              onChange={() => setRole(choice.role)}
            />
            <span>
              <strong>{choice.label}</strong> <span className="hint">{choice.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {problem ? <ErrorMessage message={problem} /> : null}
      <button
        type="submit"
        className="button-primary"
        disabled={tenantProblem !== null || signingIn}
        data-testid="dev-sign-in-submit"
      >
        {signingIn ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

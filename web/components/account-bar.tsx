import type { ApiData } from "../hooks/use-api-data";
import type { Identity } from "../lib/api";

/** Who is signed in (user, tenant and role, once the API has said) and Sign out, in the header. */
export function AccountBar({ identity, onSignOut }: { identity: ApiData<Identity | null>; onSignOut: () => void }) {
  const known = identity.data;
  return (
    <div className="account-bar" data-testid="account-bar">
      {known ? (
        <p className="account-identity">
          <span data-testid="account-user">{known.caller.subject}</span>
          <span className="hint">
            {" in "}
            <span data-testid="account-tenant">{known.tenant.id}</span>
          </span>{" "}
          <span className="role-badge" data-testid="account-role">
            {known.caller.role}
          </span>
        </p>
      ) : null}
      <button type="button" className="button-quiet" data-testid="sign-out" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

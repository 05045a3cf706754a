import type { Role } from "../../worker/contract";
import { DevSignInForm } from "../components/dev-sign-in-form";
import { ErrorMessage } from "../components/error-message";
import { TokenForm } from "../components/token-form";
import type { SignIn } from "../hooks/use-auth";

/**
 * The sign-in page: why the app is signed out when it did so itself, a development sign-in (tenant and role) when
 * the server offers one, and a pasted token always.
 */
export function SignInPage({
  devAuth,
  error,
  onToken,
  onDevelopment,
}: {
  devAuth: boolean;
  error: string | null;
  onToken: SignIn<[token: string]>;
  onDevelopment: SignIn<[role: Role, tenant: string]>;
}) {
  return (
    <div className="sign-in-page" data-testid="sign-in-page">
      <h2 className="visually-hidden">Sign in</h2>
      {error ? <ErrorMessage message={error} /> : null}
      {devAuth ? <DevSignInForm onSubmit={onDevelopment} /> : null}
      <TokenForm onSubmit={onToken} />
    </div>
  );
}

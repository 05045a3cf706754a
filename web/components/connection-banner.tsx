import { useServerReachable } from "../hooks/use-server-reachable";

/**
 * Says the server cannot be reached while that is so, and goes away by itself once a request gets through: the app
 * keeps checking, and pages load again on their own when it answers.
 */
export function ConnectionBanner() {
  const reachable = useServerReachable();
  if (reachable) return null;
  return (
    <p className="error-message connection-banner" role="status" data-testid="connection-banner">
      Cannot reach the server. Reconnecting… Unsent questions are kept and can be retried.
    </p>
  );
}

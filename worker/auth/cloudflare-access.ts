import type { TokenPolicy } from "./token";

/** Cloudflare Access in front of the Worker: the team domain (`<team>.cloudflareaccess.com`) and the app's AUD tag. */
export interface CloudflareAccess {
  teamDomain: string;
  audience: string;
}

/** The header Cloudflare Access adds to every request it lets through, holding the signed assertion. */
export const accessAssertionHeader = "Cf-Access-Jwt-Assertion";

/**
 * The token policy for Access assertions: the team's published keys, the team as issuer and the application's AUD tag
 * as audience; claims map as for any token (Access tokens name no tenant, so set `JWT_DEFAULT_TENANT`, and carry the
 * user's groups when the Access policy adds them).
 */
export function accessTokenPolicy(access: CloudflareAccess, policy: TokenPolicy): TokenPolicy {
  const issuer = `https://${access.teamDomain}`;
  return { ...policy, jwks: { url: `${issuer}/cdn-cgi/access/certs`, issuer, audience: access.audience } };
}

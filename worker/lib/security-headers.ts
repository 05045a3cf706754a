import { secureHeaders } from "hono/secure-headers";

/**
 * Headers on every API response. The API only answers JSON and event streams, so its policy allows nothing to render
 * or be framed; the SPA's own policy is in `web/public/_headers`, which Workers static assets apply.
 */
export const apiSecurityHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: "DENY",
  referrerPolicy: "strict-origin-when-cross-origin",
  strictTransportSecurity: "max-age=31536000; includeSubDomains",
  crossOriginResourcePolicy: "same-origin",
});

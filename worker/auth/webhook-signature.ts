import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { randomBase64Url } from "../lib/ids";

/** The Standard Webhooks headers of a delivery. */
export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** A new signing secret in the Standard Webhooks form (`whsec_` and 32 random bytes, base64). */
export function newWebhookSecret(): string {
  // The scheme's secrets are standard base64; the bytes are what matter, so convert from our URL-safe form.
  return `whsec_${randomBase64Url(32).replaceAll("-", "+").replaceAll("_", "/")}=`;
}

/**
 * Whether the delivery was signed (HMAC-SHA256 over `id.timestamp.body`) with one of `secrets`, with a timestamp
 * within five minutes of now (older or future timestamps are refused, which bounds replays; repeated ids are caught by
 * the delivery log).
 */
export function verifyWebhook(body: string, headers: WebhookHeaders, secrets: readonly string[]): boolean {
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(body, { ...headers }, { jsonParse: false });
      return true;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
    }
  }
  return false;
}

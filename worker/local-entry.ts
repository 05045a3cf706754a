/**
 * The Worker as local builds run it (`npm start`, `npm run dev`; vite.config.ts picks it when no CLOUDFLARE_ENV
 * names a deployed environment): the production entry, whose `fetch` reads what is left of a request body before it
 * answers. Locally workerd's own socket closes the connection on a body the Worker did not read, and a client still
 * uploading (a 401 or 413 sent before the body was read) then sees a broken connection (EPIPE, ECONNRESET) instead
 * of the answer. `wrangler dev` adds the same step to every Worker it bundles (its `ensure-req-body-drained`
 * middleware); deployed Workers go without it, as they do under `wrangler deploy`.
 */
import worker from "./index";

export * from "./index";

/** Reads and discards the rest of `request`'s body, unless the handler read it or still holds it. */
export async function drainUnreadBody(request: Request): Promise<void> {
  if (request.body === null || request.bodyUsed || request.body.locked) return;
  const reader = request.body.getReader();
  try {
    while (!(await reader.read()).done) {
      // Discard: only the end of the body matters.
    }
  } catch (error) {
    // The client went away mid-upload: nothing left to answer.
    console.warn("Could not read the rest of an unread request body", error);
  } finally {
    reader.releaseLock();
  }
}

export default {
  ...worker,
  async fetch(request, env, context) {
    try {
      return await worker.fetch(request, env, context);
    } finally {
      await drainUnreadBody(request);
    }
  },
} satisfies ExportedHandler<Env>;

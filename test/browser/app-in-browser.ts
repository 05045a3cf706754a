import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { type RunningServer, type ServerOptions, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";
import { launchChromium } from "../support/chromium";

/** Chromium whose new pages start signed in (see `appInBrowser`). */
export type SignedInBrowser = Pick<Browser, "newPage" | "newContext">;

/**
 * Signs `target` (a page, or every page of a context) in with `token` before its scripts run, as the app keeps a
 * token after its sign-in page; a later call wins, so a test can sign a page in as someone else.
 */
export async function storeToken(target: Page | BrowserContext, token: string): Promise<void> {
  await target.addInitScript((stored) => window.localStorage.setItem("edge-rag-chat.token", stored), token);
}

/** `browser`, with every page it opens signed in with `token`. */
function signedIn(browser: Browser, token: string): SignedInBrowser {
  return {
    newPage: async (options) => {
      const page = await browser.newPage(options);
      await storeToken(page, token);
      return page;
    },
    newContext: async (options) => {
      const context = await browser.newContext(options);
      await storeToken(context, token);
      return context;
    },
  };
}

/**
 * Starts the built app (`startServer` with `environment` and `options`) and headless Chromium once for the test file,
 * and stops both after it. Tests call the returned function for the two: `browser` opens pages signed in as the admin
 * of the demo tenant (unless DEV_AUTH is off, when they are signed out), `signedOutBrowser` pages on the sign-in page.
 */
export function appInBrowser(
  environment: Record<string, string> = {},
  options: ServerOptions = {},
): () => { server: RunningServer; browser: SignedInBrowser; signedOutBrowser: Browser } {
  let server: RunningServer | undefined;
  let chromium: Browser | undefined;
  let browser: SignedInBrowser | undefined;
  beforeAll(async () => {
    server = await startServer(environment, options);
    chromium = await launchChromium();
    browser =
      environment.DEV_AUTH === "false"
        ? chromium
        : signedIn(chromium, (await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", "demo")).token);
  }, startupTimeoutMs + 60_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  }, 60_000);
  return () => {
    if (!server || !chromium || !browser) throw new Error("the server or the browser did not start");
    return { server, browser, signedOutBrowser: chromium };
  };
}

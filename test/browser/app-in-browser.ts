import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type RunningServer, type ServerOptions, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";
import { launchChromium } from "../support/chromium";

/**
 * Starts the built app (`startServer` with `environment` and `options`) and headless Chromium once for the test file,
 * and stops both after it. Tests call the returned function for the two.
 */
export function appInBrowser(
  environment: Record<string, string> = {},
  options: ServerOptions = {},
): () => { server: RunningServer; browser: Browser } {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(environment, options);
    browser = await launchChromium();
  }, startupTimeoutMs + 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 60_000);
  return () => {
    if (!server || !browser) throw new Error("the server or the browser did not start");
    return { server, browser };
  };
}

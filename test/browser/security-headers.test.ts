/**
 * The SPA under its Content-Security-Policy, in a real browser: the headers arrive on the page and its assets, the
 * app works with them, and an inline script injected into the page does not run.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import { describe, expect, test } from "vitest";
import { appInBrowser } from "./app-in-browser";

const running = appInBrowser({}, { waitForSamples: false });

describe("the SPA's security headers", () => {
  test("arrive on the page and its scripts, let the app run, and stop inline scripts", async () => {
    const { server, browser } = running();
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    const violations: string[] = [];
    await page.exposeFunction("reportViolation", (directive: string) => violations.push(directive));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        Reflect.get(window, "reportViolation")(event.effectiveDirective);
      });
    });
    const scripts: Array<Record<string, string>> = [];
    page.on("response", (response) => {
      if (response.request().resourceType() === "script") scripts.push(response.headers());
    });

    const response = await page.goto(server.baseUrl);
    const headers = response?.headers() ?? {};
    const policy = headers["content-security-policy"] ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe-inline");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["strict-transport-security"]).toContain("max-age=");

    // The app itself runs under the policy: the chat page renders, and nothing it does is refused.
    await page.getByTestId("chat-input").waitFor();
    expect(scripts.length).toBeGreaterThan(0);
    for (const scriptHeaders of scripts) expect(scriptHeaders["x-content-type-options"]).toBe("nosniff");
    expect(violations).toEqual([]);

    // An injected inline script (what an XSS would add) is refused and never runs.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true;";
      document.body.append(script);
    });
    await expect.poll(() => violations).toContain("script-src-elem");
    expect(await page.evaluate(() => Reflect.get(window, "injected"))).toBeUndefined();
    // So is an inline event handler.
    await page.evaluate(() => {
      const image = document.createElement("img");
      image.setAttribute("onerror", "window.handled = true");
      image.src = "data:,not-an-image";
      document.body.append(image);
    });
    await expect.poll(() => violations).toContain("script-src-attr");
    expect(await page.evaluate(() => Reflect.get(window, "handled"))).toBeUndefined();
  });
});

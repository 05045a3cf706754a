/**
 * Signing in, in a real browser against the real app (`scripts/start.ts`, DEV_AUTH on): the sign-in page signs in
 * as a member (no admin controls, a friendly page where admins only may go) and as an admin (every control), shows
 * who is signed in with Sign out, which returns to it; a pasted token that expired, or that the server refuses,
 * is refused in words.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { appInBrowser, storeToken } from "./app-in-browser";

const running = appInBrowser({}, { waitForSamples: false });

/** A signed-out page on the sign-in page, and the errors it throws. */
async function openSignIn(hash = "#/chat"): Promise<{ page: Page; pageErrors: string[] }> {
  const { server, signedOutBrowser } = running();
  const page = await signedOutBrowser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(new URL(`/${hash}`, server.baseUrl).toString());
  await page.getByTestId("sign-in-page").waitFor();
  return { page, pageErrors };
}

async function signInForDevelopment(page: Page, role: "admin" | "member", tenant: string): Promise<void> {
  await page.getByTestId("dev-sign-in-tenant").fill(tenant);
  await page.getByTestId(`dev-sign-in-${role}`).check();
  await page.getByTestId("dev-sign-in-submit").click();
  await page.getByTestId("account-role").filter({ hasText: role }).waitFor();
}

/** A JWT-shaped token that expired a minute ago; the page reads its `exp` without checking the signature. */
function expiredToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: "someone", tenant: "demo", role: "member", iat: now - 3600, exp: now - 60 };
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.${Buffer.from("not-a-signature").toString("base64url")}`;
}

describe("signing in", () => {
  test("a member signs in, sees no admin controls and is told so on admin pages; Sign out returns", async () => {
    const { page, pageErrors } = await openSignIn();
    expect(await page.title()).toBe("Sign in · Edge RAG chat");
    await signInForDevelopment(page, "member", "acme-members");

    await expect(page.getByTestId("account-user").textContent()).resolves.toBe("dev-member");
    await expect(page.getByTestId("account-tenant").textContent()).resolves.toBe("acme-members");
    await page.getByTestId("chat-input").waitFor();
    for (const tab of ["documents-tab", "integrations-tab", "audit-tab", "collections-tab"]) {
      expect(await page.getByTestId(tab).count()).toBe(0);
    }
    // Typed in by hand, the admin pages say who they are for instead of the API's refusal.
    for (const hash of ["#/documents", "#/audit", "#/collections", "#/integrations"]) {
      await page.evaluate((target) => {
        window.location.hash = target;
      }, hash);
      await expect(page.getByTestId("admins-only").textContent()).resolves.toContain("signed in as a member");
      expect(await page.getByTestId("upload-input").count()).toBe(0);
      expect(await page.getByText("Re-embed all").count()).toBe(0);
      expect(await page.locator(".error-message").count()).toBe(0);
    }

    await page.getByTestId("sign-out").click();
    await page.getByTestId("sign-in-page").waitFor();
    expect(await page.getByTestId("account-bar").count()).toBe(0);
    expect(await page.evaluate(() => window.localStorage.getItem("edge-rag-chat.token"))).toBeNull();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("an admin signs in and sees every admin control; Sign out returns", async () => {
    const { page, pageErrors } = await openSignIn("#/documents");
    await signInForDevelopment(page, "admin", "demo");
    await expect(page.getByTestId("account-user").textContent()).resolves.toBe("dev-admin");
    for (const tab of ["documents-tab", "integrations-tab", "audit-tab", "collections-tab"]) {
      await page.getByTestId(tab).waitFor();
    }
    await page.getByTestId("upload-input").waitFor();
    await page.getByRole("button", { name: /Re-embed/ }).waitFor();
    expect(await page.getByTestId("admins-only").count()).toBe(0);
    expect(await page.title()).toBe("Documents · Edge RAG chat");

    await page.getByTestId("sign-out").click();
    await page.getByTestId("sign-in-page").waitFor();
    expect(await page.getByTestId("documents-tab").count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("an expired token says expired; a token the server refuses shows its reason", async () => {
    const { page, pageErrors } = await openSignIn();
    const form = page.getByTestId("token-form");
    await page.getByTestId("token-input").fill(expiredToken());
    await page.getByTestId("token-submit").click();
    await expect(form.getByRole("alert").textContent()).resolves.toMatch(/expired/);

    await page.getByTestId("token-input").fill("not-a-token");
    await page.getByTestId("token-submit").click();
    await expect
      .poll(() => form.getByRole("alert").textContent())
      .toBe("The server refused this token: The token or API key is invalid, revoked or expired");
    // Still on the sign-in page, with the text kept to correct.
    expect(await page.getByTestId("token-input").inputValue()).toBe("not-a-token");
    expect(await page.getByTestId("account-bar").count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("a stored token the server stops accepting signs out and says why", async () => {
    const { server, signedOutBrowser } = running();
    const page = await signedOutBrowser.newPage();
    page.setDefaultTimeout(30_000);
    // A key the server never issued, as one revoked since would be.
    await storeToken(page, "rag_revoked_key");
    await page.goto(new URL("/#/chat", server.baseUrl).toString());
    await page.getByTestId("sign-in-page").waitFor();
    await expect(page.getByTestId("sign-in-page").getByRole("alert").first().textContent()).resolves.toContain(
      "You were signed out: The token or API key is invalid, revoked or expired",
    );
    await page.close();
  });
});

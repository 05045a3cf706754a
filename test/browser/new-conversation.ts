import type { Page } from "playwright-core";

/**
 * Clicks "New conversation" and waits until the new conversation's own question box is on the page, returning its
 * id. Waiting for the address alone is not enough: the previous conversation's box stays until the page has loaded
 * the new one, and text typed into it in between is gone with it.
 */
export async function startNewConversation(page: Page): Promise<string> {
  const before = page.url();
  await page.getByTestId("new-conversation").click();
  await page.waitForURL((url) => url.toString() !== before);
  const conversationId = decodeURIComponent(new URL(page.url()).hash.split("/").at(-1) ?? "");
  await page
    .locator(`[data-testid="chat-session"][data-conversation-id="${conversationId}"] [data-testid="chat-input"]`)
    .waitFor();
  return conversationId;
}

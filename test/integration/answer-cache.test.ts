import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signToken } from "../../worker/auth/token";
import {
  type ChatMetadata,
  type DocumentView,
  groundingDataSchema,
  type SourcesData,
  sourcesDataSchema,
  timingsDataSchema,
} from "../../worker/contract";
import { call, devToken, postJson, readUiStream, uniqueTenant, waitForDocument } from "../support/api";
import { ask, savedAnswer, setUpConversation, userMessage } from "../support/chat-stream";

const ledgerText =
  "# Berlin ledger\n\nThe ledger of the Berlin site reconciles the invoices every night at two o'clock. " +
  "Operators check the invoices before the ledger reconciles them.";
const vaultText =
  "# Oslo vault\n\nThe vault of the Oslo site rotates the session keys every hour. " +
  "The on-call engineer restores the last good keys when a rotation fails.";
const ledgerQuestion = "How often does the Berlin ledger reconcile the invoices?";

interface StreamedAnswer {
  text: string;
  cached: boolean;
  sources: SourcesData["sources"];
  cited: string[];
  grounding: string | undefined;
  firstTokenMs: number | null;
}

async function answer(token: string, question: string, conversationId = crypto.randomUUID()): Promise<StreamedAnswer> {
  const response = await ask(token, conversationId, question);
  expect(response.status).toBe(200);
  const chunks = await readUiStream(response);
  const timings = timingsDataSchema.parse(chunks.find((chunk) => chunk.type === "data-timings")?.data);
  return {
    text: chunks.flatMap((chunk) => (chunk.type === "text-delta" ? [String(chunk.delta)] : [])).join(""),
    cached: timings.cached === true,
    sources: sourcesDataSchema.parse(chunks.find((chunk) => chunk.type === "data-sources")?.data).sources,
    cited: chunks.flatMap((chunk) => (chunk.type === "source-document" ? [String(chunk.sourceId)] : [])),
    grounding: groundingDataSchema.safeParse(chunks.find((chunk) => chunk.type === "data-grounding")?.data).data
      ?.status,
    firstTokenMs: timings.firstTokenMs,
  };
}

async function submit(admin: string, documents: { externalId: string; text: string; collection?: string }[]) {
  const response = await postJson("/api/documents/batch", { documents }, admin);
  expect(response.status).toBe(202);
  const { documents: created } = await response.json<{ documents: DocumentView[] }>();
  for (const document of created) expect((await waitForDocument(admin, document.id)).status).toBe("ready");
  return created;
}

async function seededTenant() {
  const tenant = uniqueTenant();
  const admin = await devToken("admin", tenant);
  await submit(admin, [
    { externalId: "ledger", text: ledgerText },
    { externalId: "vault", text: vaultText },
  ]);
  return { tenant, admin, member: await devToken("member", tenant) };
}

describe("answer cache: a repeated first question", () => {
  it("is answered from the cache, marked as cached, with the same text and sources, and saved like any answer", async () => {
    const { member } = await seededTenant();
    const live = await answer(member, ledgerQuestion);
    expect(live.cached).toBe(false);
    expect(live.grounding).toBe("answered");
    expect(live.cited.length).toBeGreaterThan(0);

    const conversationId = crypto.randomUUID();
    // Case, spacing and punctuation do not matter.
    const repeated = await answer(member, "  how OFTEN does the Berlin ledger reconcile the invoices ", conversationId);
    expect(repeated.cached).toBe(true);
    expect(repeated.text).toBe(live.text);
    expect(repeated.sources).toEqual(live.sources);
    expect(repeated.cited).toEqual(live.cited);
    expect(repeated.grounding).toBe("answered");
    expect(repeated.firstTokenMs).not.toBeNull();

    const saved = await savedAnswer(member, conversationId);
    const metadata: ChatMetadata | undefined = saved.metadata;
    expect(metadata).toMatchObject({ status: "complete", cached: true });
    expect(saved.parts.map((part) => part.type)).toEqual(
      expect.arrayContaining(["data-sources", "text", "source-document", "data-grounding", "data-timings"]),
    );
  });

  it("serves a paraphrase with one changed word, but not a question about something else", async () => {
    const { member } = await seededTenant();
    const live = await answer(member, ledgerQuestion);
    expect(live.grounding).toBe("answered");

    const paraphrase = await answer(member, "How frequently does the Berlin ledger reconcile the invoices?");
    expect(paraphrase.cached).toBe(true);
    expect(paraphrase.sources).toEqual(live.sources);
    // One changed word too, but the one the passages are about: another site's ledger.
    expect((await answer(member, "How often does the Oslo ledger reconcile the invoices?")).cached).toBe(false);
    expect((await answer(member, "Who restores the session keys of the Oslo vault?")).cached).toBe(false);
  });

  it("misses once a document the answer drew on is edited, and caches the new answer", async () => {
    const { admin, member } = await seededTenant();
    expect((await answer(member, ledgerQuestion)).cached).toBe(false);
    expect((await answer(member, ledgerQuestion)).cached).toBe(true);

    await submit(admin, [{ externalId: "ledger", text: ledgerText.replace("every night", "every Sunday") }]);
    const afterEdit = await answer(member, ledgerQuestion);
    expect(afterEdit.cached).toBe(false);
    expect(afterEdit.text).toContain("every Sunday");
    const again = await answer(member, ledgerQuestion);
    expect(again.cached).toBe(true);
    expect(again.text).toContain("every Sunday");
  });

  it("misses once a document the answer drew on is deleted", async () => {
    const { admin, member } = await seededTenant();
    const live = await answer(member, ledgerQuestion);
    expect((await answer(member, ledgerQuestion)).cached).toBe(true);
    const documentId = live.sources[0]?.documentId ?? "";
    expect((await call(`/api/documents/${documentId}`, { method: "DELETE", token: admin })).status).toBe(202);
    // From the moment the deletion is accepted, before the document's passages are gone.
    expect((await answer(member, ledgerQuestion)).cached).toBe(false);
  });

  it("never gives a member an answer cached from a collection it may not read", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    await submit(admin, [
      { externalId: "ledger", text: ledgerText, collection: "finance" },
      { externalId: "vault", text: vaultText },
    ]);
    const access = await call("/api/collections/finance/access", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ readableBy: ["finance-team"] }),
      token: admin,
    });
    expect(access.status).toBe(200);
    const member = (subject: string, groups: string[]) =>
      signToken({ tenantId: tenant, role: "member", subject, groups }, env.AUTH_SECRET, 600);
    const insider = await member("fiona", ["finance-team"]);
    const outsider = await member("otto", ["staff"]);

    const inside = await answer(insider, ledgerQuestion);
    expect(inside.grounding).toBe("answered");
    expect((await answer(insider, ledgerQuestion)).cached).toBe(true);

    const outside = await answer(outsider, ledgerQuestion);
    expect(outside.cached).toBe(false);
    expect(outside.text).not.toContain("two o'clock");
    const financeIds = new Set(inside.sources.map((source) => source.documentId));
    expect(outside.sources.filter((source) => financeIds.has(source.documentId))).toEqual([]);
    // The same caller with a filter to one document is another scope too.
    const filtered = await postJson(
      "/api/chat",
      { id: crypto.randomUUID(), message: userMessage(ledgerQuestion), filter: { collection: "default" } },
      insider,
    );
    const filteredTimings = (await readUiStream(filtered)).find((chunk) => chunk.type === "data-timings");
    expect(timingsDataSchema.parse(filteredTimings?.data).cached).toBeUndefined();
  });

  it("does not cache a declined answer: a document uploaded later must be able to answer the question", async () => {
    const { admin, member } = await seededTenant();
    const question = "Which train goes from Lyon to Turin?";
    const declined = await answer(member, question);
    expect(declined.grounding).toBe("declined");
    expect((await answer(member, question)).cached).toBe(false);

    await submit(admin, [{ externalId: "trains", text: "# Trains\n\nThe TGV train goes from Lyon to Turin daily." }]);
    const answered = await answer(member, question);
    expect(answered.cached).toBe(false);
    expect(answered.grounding).toBe("answered");
  });

  it("answers follow-ups, questions answered again and conversations with ANSWER_CACHE=off live", async () => {
    const { tenant, member } = await seededTenant();
    expect((await answer(member, ledgerQuestion)).cached).toBe(false);

    // A follow-up depends on the turns before it.
    const conversationId = crypto.randomUUID();
    expect((await answer(member, "Who restores the session keys of the Oslo vault?", conversationId)).cached).toBe(
      false,
    );
    expect((await answer(member, ledgerQuestion, conversationId)).cached).toBe(false);

    // "Regenerate" asks for a new answer.
    const regenerated = crypto.randomUUID();
    const question = userMessage(ledgerQuestion);
    const first = await postJson("/api/chat", { id: regenerated, message: question }, member);
    expect((await readUiStream(first)).some((chunk) => chunk.type === "data-timings")).toBe(true);
    const again = await postJson(
      "/api/chat",
      { id: regenerated, message: question, trigger: "regenerate-message" },
      member,
    );
    const againTimings = (await readUiStream(again)).find((chunk) => chunk.type === "data-timings");
    expect(timingsDataSchema.parse(againTimings?.data).cached).toBeUndefined();

    const off = crypto.randomUUID();
    await setUpConversation(tenant, off, { vars: { ANSWER_CACHE: "off" } });
    expect((await answer(member, ledgerQuestion, off)).cached).toBe(false);
  });
});

import { expect } from "vitest";
import type { DocumentView } from "../../worker/contract";
import { devToken, uniqueTenant, uploadFile, waitForDocument } from "./api";

/** A small document the offline model answers from in a few dozen text deltas. */
export const handbook = `# Travel handbook

## Expenses

Employees book trains through the travel desk. Hotel stays are reimbursed up to 180 euros per night
in capital cities and 120 euros elsewhere.

## Equipment

Every new starter receives a laptop and a headset on their first day. Lost equipment must be reported
to the service desk within 24 hours.
`;

export const hotelQuestion = "How much is reimbursed for a hotel night in a capital city?";

/** A fresh tenant with the handbook indexed, and an admin token for it. */
export async function tenantWithHandbook(): Promise<{ tenant: string; token: string }> {
  const tenant = uniqueTenant();
  const token = await devToken("admin", tenant);
  const upload = await uploadFile(token, "travel-handbook.md", handbook);
  expect(upload.status).toBe(202);
  const { document } = await upload.json<{ document: DocumentView }>();
  expect(await waitForDocument(token, document.id)).toMatchObject({ status: "ready" });
  return { tenant, token };
}

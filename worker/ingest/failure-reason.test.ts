import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DocumentParseError } from "../rag/parse/document-parse-error";
import { duringStep, failureReason, IngestStepError } from "./failure-reason";
import { IngestError } from "./ingest-dependencies";

// A D1 failure as drizzle reports it: the SQL and every bound parameter (here 3 KB of a document's text).
function d1Failure(message: string): DrizzleQueryError {
  const text = "Confidential paragraph of the handbook. ".repeat(80);
  return new DrizzleQueryError(
    'insert into "chunks" ("seq", "vector_id", "text") values (null, ?, ?)',
    ["doc:abc", text],
    new Error(message),
  );
}

describe("failureReason", () => {
  it("keeps the document's own failures, which are written for people", () => {
    expect(failureReason(new DocumentParseError("The PDF has no text layer (is it a scan?)"))).toBe(
      "The PDF has no text layer (is it a scan?)",
    );
    expect(failureReason(new IngestError("The document contains no text to index"))).toBe(
      "The document contains no text to index",
    );
  });

  it("maps known D1 failures to sentences, without the SQL, the parameters or the text", () => {
    const cases: Array<[string, string]> = [
      ["D1_ERROR: too many SQL variables at offset 207: SQLITE_ERROR", "a database statement exceeded D1's limits"],
      ["D1_ERROR: too many terms in compound SELECT: SQLITE_ERROR", "a database statement exceeded D1's limits"],
      ["D1_ERROR: statement too long: SQLITE_TOOBIG", "a database statement exceeded D1's limits"],
      ["D1 DB is overloaded. Requests queued for too long.", "the database was busy"],
      ["D1_ERROR: Network connection lost.", "the connection to the database was lost"],
      ["D1_ERROR: no such table: chunks: SQLITE_ERROR", "database error"],
    ];
    for (const [message, problem] of cases) {
      const reason = failureReason(d1Failure(message));
      expect(reason).toBe(`Ingestion failed on our side (${problem})`);
      expect(reason).not.toMatch(/insert|chunks|Confidential|params|\?/);
    }
  });

  it("names the failing step of anything else, and says no more", () => {
    expect(
      failureReason(new IngestStepError("embedding service", { cause: new Error("401 bad key at /srv/x.ts") })),
    ).toBe("Ingestion failed on our side (embedding service error)");
    expect(failureReason(new IngestStepError("file parsing", { cause: new TypeError("x is undefined") }))).toBe(
      "Ingestion failed while parsing the file (unexpected parser error)",
    );
    expect(failureReason(new Error("/work/app/worker/x.ts:12 exploded"))).toBe(
      "Ingestion failed on our side (unexpected error)",
    );
    expect(failureReason("a string")).toBe("Ingestion failed on our side (unexpected error)");
  });
});

describe("duringStep", () => {
  it("labels what a step throws, but lets the document's own failures through as they are", async () => {
    const labelled = await duringStep("vector index", () => Promise.reject(new Error("503"))).catch((error) => error);
    expect(labelled).toBeInstanceOf(IngestStepError);
    expect(labelled).toMatchObject({ step: "vector index", cause: new Error("503") });

    const own = new IngestError("The uploaded file is missing from storage; upload it again");
    await expect(duringStep("file storage", () => Promise.reject(own))).rejects.toBe(own);
    // A nested step keeps the innermost label.
    const inner = new IngestStepError("queue", { cause: new Error("down") });
    await expect(duringStep("file storage", () => Promise.reject(inner))).rejects.toBe(inner);
  });
});

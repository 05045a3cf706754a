import { describe, expect, it } from "vitest";
import { fingerprintQuestion, normaliseQuestion, termSimilarity } from "./question-fingerprint";

const sharesBand = (left: string[], right: string[]) => left.some((band) => right.includes(band));

describe("question fingerprints", () => {
  it("normalise case, whitespace and punctuation away, so such variants have the same hash", async () => {
    expect(normaliseQuestion("  How OFTEN does the ledger\treconcile, the invoices?! ")).toBe(
      "how often does the ledger reconcile the invoices",
    );
    const [left, right] = await Promise.all([
      fingerprintQuestion("What is the refund policy?"),
      fingerprintQuestion("what is the REFUND policy"),
    ]);
    expect(left.hash).toBe(right.hash);
    expect((await fingerprintQuestion("What is the refund period?")).hash).not.toBe(left.hash);
  });

  it("put a paraphrase with one changed word in a shared band, above the near-duplicate similarity", async () => {
    const original = await fingerprintQuestion("How often does the Berlin ledger reconcile the invoices?");
    const paraphrase = await fingerprintQuestion("How frequently does the Berlin ledger reconcile the invoices?");
    expect(termSimilarity(original.terms, paraphrase.terms)).toBeCloseTo(4 / 6);
    expect(sharesBand(original.bands, paraphrase.bands)).toBe(true);
    // Stopwords and inflections are not content: "its invoices" is "the invoices".
    const inflected = await fingerprintQuestion("How often does the Berlin ledger reconcile its invoice?");
    expect(inflected.terms).toEqual(original.terms);
  });

  it("keep different questions apart", async () => {
    const original = await fingerprintQuestion("How often does the Berlin ledger reconcile the invoices?");
    const other = await fingerprintQuestion("Who restores the session keys of the Oslo vault?");
    expect(termSimilarity(original.terms, other.terms)).toBe(0);
    expect(sharesBand(original.bands, other.bands)).toBe(false);
  });

  it("give a question without content terms no bands, so only the exact match can find it", async () => {
    expect((await fingerprintQuestion("What is it?")).bands).toEqual([]);
    expect(termSimilarity([], [])).toBe(0);
  });
});

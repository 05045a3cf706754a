import type { RetrievalFilter } from "../contract";
import {
  type AnswerCacheCandidate,
  answerCacheCandidates,
  deleteAnswerCacheEntries,
  putAnswerCacheEntry,
  settledDocuments,
} from "../db/answer-cache";
import type { Db } from "../db/client";
import { newId } from "../lib/ids";
import { sha256Hex } from "../lib/sha256";
import { type CachedAnswer, cachedAnswerSchema } from "../rag/cached-answer-stream";
import { fingerprintQuestion, type QuestionFingerprint, termSimilarity } from "../rag/question-fingerprint";
import { contentTerms } from "../rag/text-tokens";

/** Whose answers an asker may be given: the same tenant, readable collections, filter and answer settings. */
export interface AnswerCacheScope {
  tenantId: string;
  /** Reads the collections the asker may not read (`unreadableCollections`); called while the cache is searched. */
  unreadableCollections: () => Promise<readonly string[]>;
  filter: RetrievalFilter | undefined;
  /** What shapes an answer besides the question (models, retrieval settings); any change is another scope. */
  answerSettings: Record<string, unknown>;
  /** Runs work that need not hold up the asker's answer (the object's `ctx.waitUntil`). */
  defer: (work: Promise<void>) => void;
}

/** The cached answers of one scope. */
export interface AnswerCache {
  /** The answer to the same question, or to a near-duplicate of it, whose documents are unchanged; else null. */
  find(question: string): Promise<CachedAnswer | null>;
  /** Keeps an answer for the next asker of the question; nothing is kept while one of its documents is changing. */
  store(question: string, answer: CachedAnswer): Promise<void>;
}

// Questions whose content terms overlap at least this much (Jaccard) are near-duplicates, provided that the terms in
// which they differ occur in none of the cached answer's passages. One changed word of five content words (0.67) is a
// paraphrase ("how often" / "how frequently"), unless the changed word is one the passages are about ("Berlin" /
// "Lisbon"): then the new question would likely be answered from other passages.
const nearDuplicateSimilarity = 0.6;
// Cached answers compared with each question, newest first, in all scopes of the tenant.
const candidateLimit = 50;
// Entries a tenant keeps; storing more drops its oldest.
const maxEntriesPerTenant = 1000;

/** The answer cache of `scope`, on D1. */
export function openAnswerCache(db: Db, scope: AnswerCacheScope): AnswerCache {
  const { tenantId } = scope;
  let scopeKey: Promise<string> | undefined;
  const keyOfScope = () => {
    scopeKey ??= scopeKeyOf(scope);
    return scopeKey;
  };
  return {
    async find(question) {
      const fingerprint = await fingerprintQuestion(question);
      // The scope's key and the candidates of every scope are read at once: two D1 queries, not one after the other.
      const [key, candidates] = await Promise.all([
        keyOfScope(),
        answerCacheCandidates(
          db,
          { tenantId, questionHash: fingerprint.hash, bands: fingerprint.bands },
          candidateLimit,
        ),
      ]);
      const best = bestMatch(
        fingerprint,
        candidates.filter((candidate) => candidate.valid && candidate.scopeKey === key),
      );
      if (best === null) {
        // Answers drawn from documents that have changed since are of no use to anyone. Dropping them is a D1 write
        // that the answer, about to be written live, does not wait for.
        const stale = candidates.filter((candidate) => !candidate.valid).map((candidate) => candidate.id);
        scope.defer(
          deleteAnswerCacheEntries(db, tenantId, stale).catch((error: unknown) =>
            console.error("Could not drop the stale cached answers", error),
          ),
        );
      }
      return best;
    },
    async store(question, answer) {
      const documents = await settledDocuments(
        db,
        tenantId,
        answer.sources.map((source) => source.documentId),
      );
      if (documents === null) return;
      const fingerprint = await fingerprintQuestion(question);
      await putAnswerCacheEntry(
        db,
        {
          id: newId(),
          tenantId,
          scopeKey: await keyOfScope(),
          questionHash: fingerprint.hash,
          bands: fingerprint.bands,
          terms: fingerprint.terms,
          answer,
          documents,
        },
        maxEntriesPerTenant,
      );
    },
  };
}

async function scopeKeyOf(scope: AnswerCacheScope): Promise<string> {
  const unreadable = await scope.unreadableCollections();
  return sha256Hex(
    JSON.stringify({
      unreadable: [...unreadable].sort(),
      collection: scope.filter?.collection ?? null,
      documentIds: scope.filter?.documentIds ? [...scope.filter.documentIds].sort() : null,
      settings: scope.answerSettings,
    }),
  );
}

// The same question if cached, else the most similar near-duplicate (the newest of equals).
function bestMatch(question: QuestionFingerprint, candidates: AnswerCacheCandidate[]): CachedAnswer | null {
  const parsed = candidates.flatMap((candidate) => {
    const answer = cachedAnswerSchema.safeParse(candidate.answer);
    return answer.success ? [{ ...candidate, answer: answer.data }] : [];
  });
  const same = parsed.find((candidate) => candidate.questionHash === question.hash);
  if (same) return same.answer;
  let best: { similarity: number; answer: CachedAnswer } | null = null;
  for (const candidate of parsed) {
    const similarity = termSimilarity(question.terms, candidate.terms);
    if (similarity < nearDuplicateSimilarity || (best !== null && similarity <= best.similarity)) continue;
    if (differsOnlyBesideSources(question.terms, candidate.terms, candidate.answer))
      best = { similarity, answer: candidate.answer };
  }
  return best?.answer ?? null;
}

function differsOnlyBesideSources(left: readonly string[], right: readonly string[], answer: CachedAnswer): boolean {
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  const changed = [...left.filter((term) => !rightSet.has(term)), ...right.filter((term) => !leftSet.has(term))];
  if (changed.length === 0) return true;
  const sourceTerms = new Set(
    answer.sources.flatMap((source) => contentTerms(`${source.title} ${source.headingPath} ${source.text}`)),
  );
  return changed.every((term) => !sourceTerms.has(term));
}

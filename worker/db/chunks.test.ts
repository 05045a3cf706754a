import { env } from "cloudflare:workers";
import { type SQL, sql } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChunkScope, FullTextColumnWeights } from "../rag/chunk-search";
import { toFtsMatchQuery } from "../rag/fts-query";
import { createChunkSearch, hydrationQuery } from "./chunks";
import { createDb } from "./client";
import { fullTextShare } from "./full-text-share";
import { fullTextTenantToken, tenantMatchPrefix } from "./full-text-tenant";
import { informativeMatch, orPhrases } from "./informative-match";

// Two tenants of handbooks in which "site" and "handbook" are in every chunk, as a word of a uniform corpus is (and as
// RM3 expansion terms of one are): FTS5's bm25() gives them an idf of 1e-6, the floor of a term in half the rows.
const systems = ["ledger", "billing", "router", "vault", "gateway"];
const places = ["oslo", "lima", "perth"];
const tenants = { main: "fts-common-terms", other: "fts-common-terms-other" };

async function seed(tenantId: string, documentCount: number): Promise<void> {
  await env.DB.prepare("INSERT INTO tenants (id, name) VALUES (?, ?)").bind(tenantId, tenantId).run();
  const statements: D1PreparedStatement[] = [];
  for (let document = 0; document < documentCount; document++) {
    const documentId = `${tenantId}-doc-${document}`;
    statements.push(
      env.DB.prepare(
        `INSERT INTO documents (id, tenant_id, collection, title, source, r2_key, content_type, size, sha256,
           active_version, status)
         VALUES (?, ?, ?, ?, 'batch', 'key', 'text/markdown', 1, 'sha', 1, 'ready')`,
      ).bind(documentId, tenantId, document % 2 === 0 ? "default" : "ops", `Site handbook ${document}`),
    );
    for (let section = 0; section < 10; section++) {
      const index = document * 10 + section;
      const system = systems[index % systems.length];
      const place = places[Math.floor(index / systems.length) % places.length];
      // Lengths and repeats vary, so the scores spread and some tie.
      const text =
        `The ${system} of the ${place} site runs nightly. ` +
        `${"Operators check the site handbook. ".repeat(1 + (index % 3))}` +
        (index % 4 === 0 ? `The ${system} ${system} is audited. ` : "");
      statements.push(
        env.DB.prepare(
          `INSERT INTO chunks (vector_id, tenant_id, document_id, version, ordinal, heading_path, text, content_hash,
             vector_ready)
           VALUES (?, ?, ?, 1, ?, ?, ?, 'hash', 1)`,
        ).bind(`${documentId}-${section}`, tenantId, documentId, section, `Handbook > ${place} ${system}`, text),
      );
    }
  }
  await env.DB.batch(statements);
}

// The full-text ranking as it was before common phrases were left out: every phrase of the expression scored.
async function everyPhraseRanked(
  tenantId: string,
  match: string,
  limit: number,
  { title, headingPath, text }: FullTextColumnWeights,
  collection?: string,
  excludedCollections: readonly string[] = [],
): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT c.vector_id AS id
     FROM chunks_fts
     JOIN chunks AS c ON c.seq = chunks_fts.rowid
     JOIN documents AS d ON d.id = c.document_id AND c.version = d.active_version
     WHERE chunks_fts MATCH ?1 AND c.tenant_id = ?2 AND (?3 IS NULL OR d.collection = ?3)
       AND d.collection NOT IN (SELECT value FROM json_each(?8))
     ORDER BY bm25(chunks_fts, ?4, ?5, ?6, 0)
     LIMIT ?7`,
  )
    .bind(match, tenantId, collection ?? null, title, headingPath, text, limit, JSON.stringify(excludedCollections))
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

const db = createDb(env.DB);

async function informative(match: string): Promise<{ informative: string | null; narrowed: number }> {
  const phrases = orPhrases(match);
  if (phrases === null) throw new Error(`not an OR of phrases: ${match}`);
  const row = await db.get<{ informative: string | null; narrowed: number }>(
    sql`WITH ${informativeMatch(phrases)} SELECT informative, narrowed FROM informative_match`,
  );
  if (!row) throw new Error("informative_match has no row");
  return row;
}

beforeAll(async () => {
  await seed(tenants.main, 6);
  await seed(tenants.other, 2);
});

describe("the full-text query leaves out phrases in half the chunks or more", () => {
  it("is seeded with common words: 'site' and 'handbook' are in at least half the rows of the index", async () => {
    const count = async (match: string) =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?").bind(match).first<{
          n: number;
        }>()
      )?.n ?? 0;
    const total = (await env.DB.prepare("SELECT count(*) AS n FROM chunks").first<{ n: number }>())?.n ?? 0;
    expect(total).toBeGreaterThanOrEqual(80);
    expect(2 * (await count('"site"'))).toBeGreaterThanOrEqual(total);
    expect(2 * (await count('"handbook"'))).toBeGreaterThanOrEqual(total);
    expect(2 * (await count('"ledger"'))).toBeLessThan(total);
  });

  it("matches only the informative phrases, in their order with their repeats, or all when none is", async () => {
    expect(await informative('"ledger" OR "site" OR "oslo" OR "ledger" OR "handbook" OR "site"')).toEqual({
      informative: '"ledger" OR "oslo" OR "ledger"',
      narrowed: 1,
    });
    expect(await informative('"ledger" OR "oslo"')).toEqual({ informative: '"ledger" OR "oslo"', narrowed: 0 });
    expect(await informative('"site" OR "handbook"')).toEqual({ informative: null, narrowed: 0 });
    // A word the index does not hold is rare, not common.
    expect(await informative('"zeppelin" OR "site"')).toEqual({ informative: '"zeppelin"', narrowed: 1 });
  });

  it("reads MATCH expressions of quoted strings joined by OR, and nothing else", () => {
    expect(orPhrases('"a" OR "b ""c"" d" OR "a"')).toEqual(['"a"', '"b ""c"" d"', '"a"']);
    expect(orPhrases('"merger"')).toEqual(['"merger"']);
    for (const other of ['"a" AND "b"', '"a" OR b', 'title:"a"', '"a" OR "b', '"a"*', "NEAR(a b)", ""]) {
      expect(orPhrases(other), other).toBeNull();
    }
  });

  it("ranks as scoring every phrase does, in and beyond the informative chunks", async () => {
    const chunkSearch = createChunkSearch(db);
    const columnWeighted = { title: 2, headingPath: 2, text: 1 };
    const flat = { title: 1, headingPath: 1, text: 1 };
    const matches = [
      toFtsMatchQuery("How often does the ledger of the Oslo site run?"),
      toFtsMatchQuery("Which site handbook covers the Perth router?"),
      toFtsMatchQuery("site handbook"),
      toFtsMatchQuery("zeppelin site"),
      toFtsMatchQuery("vault lima site handbook operators"),
      '"merger"',
    ];
    let narrowedBeyondInformative = 0;
    for (const match of matches) {
      if (match === null) throw new Error("a test query has no words");
      // 5 is inside the chunks the informative phrases match; 60 holds every chunk of the tenant, so the ranking
      // goes on into those that only common phrases match.
      for (const limit of [5, 60]) {
        for (const weights of [columnWeighted, flat]) {
          for (const { collection, excluded } of [
            { collection: undefined, excluded: [] },
            { collection: "ops", excluded: [] },
            { collection: undefined, excluded: ["ops"] },
          ]) {
            const scope = { excludedCollections: excluded, ...(collection ? { collection } : {}) };
            const found = await chunkSearch.searchFullText(tenants.main, match, { limit, weights, scope });
            const expected = await everyPhraseRanked(tenants.main, match, limit, weights, collection, excluded);
            expect(found, `${match} limit ${limit} ${JSON.stringify(weights)} ${collection} ${excluded}`).toEqual(
              expected,
            );
            if (limit === 60 && (await informative(match).catch(() => null))?.narrowed) narrowedBeyondInformative++;
          }
        }
      }
    }
    expect(narrowedBeyondInformative).toBeGreaterThan(0);
  });
});

async function queryPlan(scope: ChunkScope): Promise<string[]> {
  const ids = Array.from({ length: 40 }, (_, index) => `vector-${index}`);
  const { sql, params } = hydrationQuery(createDb(env.DB), "tenant-1", ids, scope).toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

describe("hydrationQuery", () => {
  it("finds the chunks through the vector-id index, not by reading every chunk of the tenant", async () => {
    for (const scope of [{ excludedCollections: [] }, { collection: "handbook", excludedCollections: ["hr"] }]) {
      const plan = await queryPlan(scope);
      expect(plan.some((step) => step.includes("INDEX chunks_vector"))).toBe(true);
      expect(plan.some((step) => step.includes("chunks_tenant"))).toBe(false);
    }
  });

  it("with a filter of documents, reads only those documents' chunks", async () => {
    const plan = await queryPlan({ documentIds: ["doc-1", "doc-2"], excludedCollections: [] });
    expect(plan.some((step) => step.includes("chunks_tenant"))).toBe(false);
  });
});

describe("the full-text query keeps to the tenant's active rows", () => {
  const tenant = "fts-staged";
  const neighbour = "fts-staged-neighbour";
  const weights = { title: 2, headingPath: 2, text: 1 };
  const match = '"vault" OR "lima"';

  beforeAll(async () => {
    await seed(tenant, 2);
    await seed(neighbour, 2);
    // A version being staged: three rows that outrank every active one for `match`, and that searches must not see.
    await env.DB.batch(
      [0, 1, 2].map((section) =>
        env.DB.prepare(
          `INSERT INTO chunks (vector_id, tenant_id, document_id, version, ordinal, heading_path, text, content_hash)
           VALUES (?, ?, ?, 2, ?, '', 'The vault vault vault of the lima lima site.', 'hash')`,
        ).bind(`${tenant}-staged-${section}`, tenant, `${tenant}-doc-0`, section),
      ),
    );
  });

  it("names the tenant with one token that FTS5 neither splits nor stems", async () => {
    for (const id of [tenant, neighbour, "demo", "a-b", "ab", "cats", "tested"]) {
      const row = await env.DB.prepare("SELECT 't' || lower(hex(?)) || '0' AS token")
        .bind(id)
        .first<{ token: string }>();
      expect(fullTextTenantToken(id)).toBe(row?.token);
    }
    const count = async (match: string) =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?")
          .bind(match)
          .first<{ n: number }>()
      )?.n;
    // Every row of the tenant, staged ones included, and none of the neighbour's, whose id starts the same.
    expect(await count(`tenant : "${fullTextTenantToken(tenant)}"`)).toBe(23);
    expect(await count(`tenant : "${fullTextTenantToken(neighbour)}"`)).toBe(20);
  });

  it("ranks the active rows as the joined query does, whether few or many of its best rows are staged", async () => {
    // The staged rows are the best of the tenant's index for `match`, and more than 5 active rows match it too.
    const { results: best } = await env.DB.prepare(
      `SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 2, 2, 1, 0) LIMIT 3`,
    )
      .bind(`${tenantMatchPrefix(tenant)}${match})`)
      .all<{ rowid: number }>();
    const { results: staged } = await env.DB.prepare("SELECT seq FROM chunks WHERE tenant_id = ? AND version = 2")
      .bind(tenant)
      .all<{ seq: number }>();
    expect(best.map((row) => row.rowid).sort()).toEqual(staged.map((row) => row.seq).sort());
    expect((await everyPhraseRanked(tenant, match, 20, weights)).length).toBeGreaterThan(5);

    const chunkSearch = createChunkSearch(db);
    // Limit 5: the 10 best rows of the index hold the 3 staged ones and leave 7, enough. Limit 1: both are staged.
    // Leaving out "ops" (the second document's collection) drops its rows from the 10 as well.
    for (const limit of [1, 2, 5, 20]) {
      for (const excluded of [[], ["ops"]]) {
        const scope = { excludedCollections: excluded };
        const found = await chunkSearch.searchFullText(tenant, match, { limit, weights, scope });
        const expected = await everyPhraseRanked(tenant, match, limit, weights, undefined, excluded);
        expect(found, `limit ${limit} ${excluded}`).toEqual(expected);
        expect(found.every((id) => id.startsWith(`${tenant}-doc-`))).toBe(true);
      }
    }
  });
});

describe("the full-text query of a tenant that holds most of the index", () => {
  const dominant = "fts-dominant";
  const minor = "fts-dominant-minor";
  const weights = { title: 2, headingPath: 2, text: 1 };
  const match = '"vault" OR "lima"';

  beforeAll(async () => {
    // 1,500 rows against the file's other tenants' 200 or so: over nine tenths of the index.
    await seed(dominant, 150);
    // And 30 rows of another tenant that outrank every one of the dominant tenant's for `match`.
    await env.DB.prepare("INSERT INTO tenants (id, name) VALUES (?, ?)").bind(minor, minor).run();
    await env.DB.prepare(
      `INSERT INTO documents (id, tenant_id, title, source, r2_key, content_type, size, sha256, active_version, status)
       VALUES (?, ?, 'Vault of Lima', 'batch', 'key', 'text/markdown', 1, 'sha', 1, 'ready')`,
    )
      .bind(`${minor}-doc`, minor)
      .run();
    await env.DB.batch(
      Array.from({ length: 30 }, (_, ordinal) =>
        env.DB.prepare(
          `INSERT INTO chunks (vector_id, tenant_id, document_id, version, ordinal, heading_path, text, content_hash)
           VALUES (?, ?, ?, 1, ?, 'Vault', 'The vault vault vault of the lima lima site.', 'hash')`,
        ).bind(`${minor}-${ordinal}`, minor, `${minor}-doc`, ordinal),
      ),
    );
  });

  it("counts the tenant's share of the index once a minute", async () => {
    const now = Date.now();
    const share = await fullTextShare(db, dominant, now);
    const { results } = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM chunks WHERE tenant_id = ?) AS tenant, (SELECT count(*) FROM chunks) AS indexed",
    )
      .bind(dominant)
      .all<{ tenant: number; indexed: number }>();
    expect(share).toBeCloseTo((results[0]?.tenant ?? 0) / (results[0]?.indexed ?? 1), 10);
    expect(share).toBeGreaterThanOrEqual(0.9);
    expect(await fullTextShare(db, minor, now)).toBeLessThan(0.1);
    // Within the minute the count is not taken again, even for a tenant whose rows are gone; after it, it is.
    expect(await fullTextShare(db, "fts-no-such-tenant", now)).toBe(0);
    const cached = await fullTextShare(db, dominant, now + 59_000);
    expect(cached).toBe(share);
    await env.DB.prepare("DELETE FROM chunks WHERE vector_id = ?").bind(`${dominant}-doc-149-9`).run();
    expect(await fullTextShare(db, dominant, now + 59_000)).toBe(share);
    expect(await fullTextShare(db, dominant, now + 61_000)).toBeLessThan(share);
  });

  it("ranks without naming the tenant, as the joined query does, when the other tenant's rows fill the best", async () => {
    // Every statement's parameters, to see whether the ranking named the tenant.
    const dialect = new SQLiteSyncDialect();
    const statements: unknown[][] = [];
    const recordingDb = new Proxy(db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== "all") return value;
        return (query: SQL) => {
          statements.push(dialect.sqlToQuery(query).params);
          return target.all(query);
        };
      },
    });
    const chunkSearch = createChunkSearch(recordingDb);
    const namesTenant = (tenantId: string) =>
      statements.some((params) => params.some((param) => String(param).includes(fullTextTenantToken(tenantId))));
    // Limit 5: the 10 best rows of the index are the other tenant's, so the joined form ranks it. Limits 60 and 100:
    // 30 of the best 120 or 200 are the other tenant's, and the rest are enough.
    for (const limit of [5, 60, 100]) {
      statements.length = 0;
      const found = await chunkSearch.searchFullText(dominant, match, {
        limit,
        weights,
        scope: { excludedCollections: [] },
      });
      expect(found, `limit ${limit}`).toEqual(await everyPhraseRanked(dominant, match, limit, weights));
      expect(found.every((id) => id.startsWith(`${dominant}-doc-`))).toBe(true);
      expect(namesTenant(dominant), `limit ${limit}`).toBe(limit === 5);
    }
    // With a collection left out (every other document of the tenant's), its rows are dropped after the ranking too.
    for (const limit of [5, 60, 100]) {
      const scope = { excludedCollections: ["ops"] };
      const found = await chunkSearch.searchFullText(dominant, match, { limit, weights, scope });
      expect(found, `limit ${limit} without ops`).toEqual(
        await everyPhraseRanked(dominant, match, limit, weights, undefined, ["ops"]),
      );
    }
    // The other tenant is named: its rows are a few of the index.
    statements.length = 0;
    const minorFound = await chunkSearch.searchFullText(minor, match, {
      limit: 10,
      weights,
      scope: { excludedCollections: [] },
    });
    expect(minorFound).toEqual(await everyPhraseRanked(minor, match, 10, weights));
    expect(namesTenant(minor)).toBe(true);
  });
});

describe("migration 0014", () => {
  it("rebuilds the full-text index from the rows as the triggers built it: every ranking stays as it was", async () => {
    const chunkSearch = createChunkSearch(db);
    const searches = [
      { tenant: tenants.main, match: '"ledger" OR "oslo" OR "site"' },
      { tenant: tenants.other, match: '"vault" OR "perth"' },
      { tenant: "fts-staged", match: '"vault" OR "lima"' },
    ];
    const options = { limit: 20, weights: { title: 2, headingPath: 2, text: 1 }, scope: { excludedCollections: [] } };
    const rank = () =>
      Promise.all(searches.map(({ tenant, match }) => chunkSearch.searchFullText(tenant, match, options)));
    const before = await rank();
    expect(before.every((ids) => ids.length > 0)).toBe(true);

    const migration = env.TEST_MIGRATIONS.find((entry) => entry.name.startsWith("0014_"));
    if (!migration) throw new Error("migration 0014 is missing");
    await env.DB.batch(migration.queries.map((query) => env.DB.prepare(query)));

    expect(await rank()).toEqual(before);
    const rows = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM chunks_fts_docsize) AS indexed, (SELECT count(*) FROM chunks) AS chunks",
    ).first<{ indexed: number; chunks: number }>();
    expect(rows?.indexed).toBe(rows?.chunks);
  });
});

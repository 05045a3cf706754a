import { describe, expect, it } from "vitest";
import { parseArguments, UsageError } from "./parse-arguments.ts";

describe("parseArguments", () => {
  it("reads paths and options, with defaults", () => {
    expect(parseArguments(["docs", "notes.md"], {})).toEqual({
      paths: ["docs", "notes.md"],
      url: "http://localhost:8787",
      collection: null,
      token: null,
      tenant: "demo",
      help: false,
    });
    expect(
      parseArguments(
        ["docs", "--url", "https://rag.example.com/", "--collection", "handbook", "--token", "t", "--tenant", "acme"],
        {},
      ),
    ).toMatchObject({ url: "https://rag.example.com", collection: "handbook", token: "t", tenant: "acme" });
  });

  it("takes the token from RAG_TOKEN unless --token is given", () => {
    expect(parseArguments(["docs"], { RAG_TOKEN: "from-env" }).token).toBe("from-env");
    expect(parseArguments(["docs", "--token", "flag"], { RAG_TOKEN: "from-env" }).token).toBe("flag");
    expect(parseArguments(["docs"], { RAG_TOKEN: "" }).token).toBeNull();
  });

  it("rejects a missing path, an unknown option and a bad URL", () => {
    expect(() => parseArguments([], {})).toThrow(UsageError);
    expect(() => parseArguments(["docs", "--verbose"], {})).toThrow(UsageError);
    expect(() => parseArguments(["docs", "--url"], {})).toThrow(UsageError);
    expect(() => parseArguments(["docs", "--url", "not a url"], {})).toThrow(/--url is not a URL/);
  });

  it("needs no path for --help", () => {
    expect(parseArguments(["--help"], {}).help).toBe(true);
  });
});

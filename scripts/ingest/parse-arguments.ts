import { parseArgs } from "node:util";

export interface IngestOptions {
  paths: string[];
  /** The server's origin, without a trailing slash. */
  url: string;
  collection: string | null;
  /** From --token, else RAG_TOKEN; null means ask the server for a development token. */
  token: string | null;
  tenant: string;
  help: boolean;
}

/** A mistake in the command line; the CLI prints it with the usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const usage = `Usage: npm run ingest -- <folder or file…> [options]

Uploads every supported file (.md .markdown .txt .html .htm .pdf .docx .csv .json) under the given folders,
skipping files whose content the server already has, and waits until they are indexed.

Options:
  --url <server>        the server (default http://localhost:8787)
  --collection <name>   the collection to put the documents in (default: the server's default)
  --token <jwt>         an admin token or API key (default: $RAG_TOKEN, else a development token)
  --tenant <slug>       the tenant of the development token (default demo)
  -h, --help            show this help
`;

/** Reads the command line and environment; throws UsageError when they make no sense. */
export function parseArguments(args: string[], environment: Record<string, string | undefined>): IngestOptions {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (!values.help && positionals.length === 0) throw new UsageError("Name at least one folder or file to ingest");
  const url = values.url ?? "http://localhost:8787";
  if (!URL.canParse(url)) throw new UsageError(`--url is not a URL: ${url}`);
  return {
    paths: positionals,
    url: url.replace(/\/+$/, ""),
    collection: values.collection ?? null,
    token: values.token ?? (environment.RAG_TOKEN || null),
    tenant: values.tenant ?? "demo",
    help: values.help ?? false,
  };
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: "string" },
      collection: { type: "string" },
      token: { type: "string" },
      tenant: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

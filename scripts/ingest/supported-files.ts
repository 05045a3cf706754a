/** The content type to declare for each file extension the server can ingest. */
const contentTypesByExtension: ReadonlyMap<string, string> = new Map([
  ["md", "text/markdown"],
  ["markdown", "text/markdown"],
  ["txt", "text/plain"],
  ["html", "text/html"],
  ["htm", "text/html"],
  ["pdf", "application/pdf"],
  ["docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  ["csv", "text/csv"],
  ["json", "application/json"],
]);

/** The content type implied by a file name's extension, or null when the server cannot ingest such files. */
export function contentTypeForFile(name: string): string | null {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null;
  return contentTypesByExtension.get(name.slice(dot + 1).toLowerCase()) ?? null;
}

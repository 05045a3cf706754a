/**
 * A file that cannot be parsed as the type it was detected as. The message is written for the person who
 * uploaded it; retrying will not help, so the pipeline can fail the document at once.
 */
export class DocumentParseError extends Error {
  override name = "DocumentParseError";
}

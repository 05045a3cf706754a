// A long list of issues (an array of 100 bad items) is cut; the first few say what to fix.
const maxIssues = 5;

/**
 * A zod error in words a client developer can act on: each issue as `path: message`, the path written as in
 * JavaScript (`message.parts[0].text`), e.g. "message.parts[0].text: Too big: expected string to have <=8000
 * characters".
 */
export function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const described = error.issues.slice(0, maxIssues).map((issue) => {
    const path = formatPath(issue.path);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - described.length;
  return more > 0 ? `${described.join("; ")}; and ${more} more` : described.join("; ");
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((key, index) => {
      if (typeof key === "number") return `[${key}]`;
      const name = String(key);
      return index === 0 ? name : `.${name}`;
    })
    .join("");
}

/** Group names typed as a comma-separated list: trimmed, empties and repeats dropped. */
export function parseGroupList(text: string): string[] {
  return [...new Set(text.split(",").map((group) => group.trim()))].filter((group) => group !== "");
}

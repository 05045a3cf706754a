/**
 * Where a passage is in its document, for reading: its heading path ("Guide > Install > Linux") with " › " between
 * the headings, without a first heading that only repeats the document's title. Empty before the first heading.
 */
export function headingTrail(headingPath: string, title: string): string {
  const headings = headingPath.split(" > ").filter((heading) => heading.trim() !== "");
  if (headings.length > 1 && headings[0]?.trim() === title.trim()) headings.shift();
  return headings.join(" › ");
}

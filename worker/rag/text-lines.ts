/**
 * The lines of a text, found once and sliced out only when asked for: a megabyte of empty lines costs one small
 * table of offsets instead of half a million strings held at once.
 */
export class TextLines {
  readonly count: number;
  // Line i runs from starts[i] to starts[i + 1] - 1 (its line break excluded); the last entry is past the end.
  private readonly starts: Int32Array;

  constructor(private readonly text: string) {
    let breaks = 0;
    for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) breaks += 1;
    this.count = breaks + 1;
    this.starts = new Int32Array(this.count + 1);
    let line = 1;
    for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) {
      this.starts[line] = index + 1;
      line += 1;
    }
    this.starts[this.count] = text.length + 1;
  }

  /** Line `index`, or "" past the last line. */
  at(index: number): string {
    if (index < 0 || index >= this.count) return "";
    return this.text.slice(this.starts[index], (this.starts[index + 1] ?? 0) - 1);
  }

  /** Lines `start` to `end` (exclusive) as they stand in the text, joined by their line breaks. */
  join(start: number, end: number): string {
    if (end <= start) return "";
    return this.text.slice(this.starts[start], (this.starts[end] ?? 0) - 1);
  }
}

// \p{Cc} is every control character: the C0 range (NUL, tab, line breaks, escape …), DEL and the C1 range.
const controlCharacterPattern = /\p{Cc}/u;
const lineAndTabControls = /[\t\n\v\f\r\u0085]+/g;
const otherControls = /\p{Cc}/gu;

/** Whether `text` holds a control character (NUL, a line break, escape, DEL, …), which no name or id should. */
export function hasControlCharacters(text: string): boolean {
  return controlCharacterPattern.test(text);
}

/**
 * `text` without control characters: tabs and line breaks become one space (so "Line one\nLine two" keeps its
 * words apart), every other control character is dropped.
 */
export function removeControlCharacters(text: string): string {
  return text.replace(lineAndTabControls, " ").replace(otherControls, "");
}

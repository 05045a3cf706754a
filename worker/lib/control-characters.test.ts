import { describe, expect, it } from "vitest";
import { hasControlCharacters, removeControlCharacters } from "./control-characters";

describe("control characters", () => {
  it("finds NUL, line breaks, escape, DEL and C1 controls, and nothing in ordinary text", () => {
    for (const text of ["a\u0000b", "a\nb", "\t", "\u001b[31m", "a\u007f", "a\u0085b", "a\u009bb"]) {
      expect(hasControlCharacters(text), JSON.stringify(text)).toBe(true);
    }
    for (const text of ["Plain title", "Ünïcødé – “quotes” 🙂", "a\u2028b", ""]) {
      expect(hasControlCharacters(text), JSON.stringify(text)).toBe(false);
    }
  });

  it("turns tabs and line breaks into one space and drops the rest", () => {
    expect(removeControlCharacters("Line one\r\nLine two")).toBe("Line one Line two");
    expect(removeControlCharacters("a\tb")).toBe("a b");
    expect(removeControlCharacters("nul\u0000led\u001b\u007f")).toBe("nulled");
    expect(removeControlCharacters("keeps 🙂 and é")).toBe("keeps 🙂 and é");
  });
});

import { describe, expect, it } from "vitest";
import { refusedUrls } from "../../test/support/refused-urls";
import { addressKind, checkUrl, RefusedUrlError } from "./url-guard";

const strict = { allowPrivate: false };
const local = { allowPrivate: true };

describe("checkUrl", () => {
  it.each(refusedUrls)("refuses %s", (url, reason) => {
    expect(() => checkUrl(url, strict)).toThrow(RefusedUrlError);
    expect(() => checkUrl(url, strict)).toThrow(reason);
  });

  it.each([
    "https://example.com/docs/page.html",
    "https://8.8.8.8/",
    "https://172.32.0.1/",
    "https://100.128.0.1/",
    "https://192.169.0.1/",
    "https://[2606:4700:4700::1111]/",
    "https://[::ffff:8.8.8.8]/",
    "https://[2002:808:808::]/",
    "https://localhost.example.com/",
  ])("allows %s", (url) => {
    expect(checkUrl(url, strict).href).toBe(new URL(url).href);
  });

  it("resolves a redirect's Location against the URL it came from", () => {
    const base = new URL("https://example.com/docs/a");
    expect(checkUrl("b?x=1", strict, base).href).toBe("https://example.com/docs/b?x=1");
    expect(() => checkUrl("//169.254.169.254/", strict, base)).toThrow(/link-local/);
  });

  it("with private URLs allowed (local runs), allows http and loopback but nothing else private", () => {
    expect(checkUrl("http://127.0.0.1:8787/page", local).hostname).toBe("127.0.0.1");
    expect(checkUrl("http://localhost/", local).hostname).toBe("localhost");
    expect(checkUrl("http://[::1]:3000/", local).hostname).toBe("[::1]");
    expect(() => checkUrl("http://10.0.0.1/", local)).toThrow(/private/);
    expect(() => checkUrl("http://169.254.169.254/", local)).toThrow(/link-local/);
    expect(() => checkUrl("ftp://127.0.0.1/", local)).toThrow(/only https/);
    expect(() => checkUrl("http://user:pw@127.0.0.1/", local)).toThrow(/user name/);
  });

  it("names the refused URL in its reason, shortened", () => {
    const long = `https://10.0.0.1/${"a".repeat(500)}`;
    const error = (() => {
      try {
        checkUrl(long, strict);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RefusedUrlError);
    expect(String(error)).toMatch(/^RefusedUrlError: https:\/\/10\.0\.0\.1\/a+… is refused/);
    expect(String(error).length).toBeLessThan(300);
  });
});

describe("addressKind", () => {
  it("treats a malformed bracketed host as reserved", () => {
    expect(addressKind("[1:2:3:4:5:6:7:8:9]")).toBe("reserved");
    expect(addressKind("[fe80::1%eth0]")).toBe("reserved");
  });
});

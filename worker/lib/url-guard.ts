/**
 * Decides whether the Worker may fetch a URL someone else gave it (a URL document, a website source), so that a
 * caller cannot make it read the internal network, the machine it runs on or a cloud metadata service.
 *
 * The URL parser already turns every spelling of an IPv4 address into dotted decimal (`http://2130706433/`,
 * `http://0x7f.1/`, `http://0177.0.0.1/` are all `127.0.0.1`) and every IPv6 address into its canonical form, so the
 * checks below see addresses, not spellings. What a name resolves to cannot be checked: Workers have no DNS lookup.
 * On Cloudflare that is covered by the platform, whose `fetch()` of a public hostname never reaches a private
 * address; the guard refuses literal addresses and the names that mean this machine (`localhost`, `*.localhost`).
 */

/** A URL the guard refuses, with the reason in words for the person who submitted it. */
export class RefusedUrlError extends Error {
  override name = "RefusedUrlError";
}

export interface UrlPolicy {
  /** Local runs only: allow plain `http` and loopback addresses, so tests and demos can serve pages locally. */
  allowPrivate: boolean;
}

/** Parses `input` (relative to `base`, for a redirect's `Location`) and returns it if it may be fetched; else throws. */
export function checkUrl(input: string, policy: UrlPolicy, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    throw new RefusedUrlError(`"${shorten(input)}" is not a valid URL`);
  }
  const shown = shorten(url.href);
  if (url.protocol !== "https:" && !(policy.allowPrivate && url.protocol === "http:")) {
    throw new RefusedUrlError(`${shown} is refused: only https URLs are fetched`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new RefusedUrlError(`${shown} is refused: URLs with a user name or password are not fetched`);
  }
  const kind = addressKind(url.hostname);
  if (kind === "public" || (kind === "loopback" && policy.allowPrivate)) return url;
  throw new RefusedUrlError(`${shown} is refused: it points to ${kindDescriptions[kind]}`);
}

type AddressKind = "public" | "loopback" | "private" | "link-local" | "reserved";

const kindDescriptions: Record<Exclude<AddressKind, "public">, string> = {
  loopback: "this machine (a loopback address or localhost)",
  private: "a private network address",
  "link-local": "a link-local address (such as a cloud metadata service)",
  reserved: "a reserved, multicast or unspecified address",
};

/** What a URL's host (as `URL.hostname` gives it) points to; names other than localhost count as public. */
export function addressKind(hostname: string): AddressKind {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") && host.endsWith("]")) {
    const groups = parseIpv6(host.slice(1, -1));
    return groups ? ipv6Kind(groups) : "reserved";
  }
  const ipv4 = parseIpv4(host);
  if (ipv4 !== null) return ipv4Kind(ipv4);
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  return "public";
}

// [first address, prefix length, kind], IPv4 as 32-bit numbers.
const ipv4Ranges: Array<[string, number, Exclude<AddressKind, "public">]> = [
  ["0.0.0.0", 8, "reserved"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "private"], // carrier-grade NAT
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"], // includes the metadata address 169.254.169.254
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "reserved"], // multicast
  ["240.0.0.0", 4, "reserved"], // reserved, and the broadcast address
];

function ipv4Kind(address: number): AddressKind {
  for (const [first, prefix, kind] of ipv4Ranges) {
    const start = parseIpv4(first) ?? 0;
    const size = 2 ** (32 - prefix);
    if (address >= start && address < start + size) return kind;
  }
  return "public";
}

/** A dotted-decimal IPv4 address as a number, or null for anything else. */
function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail allowed), or null when it is not one. */
function parseIpv6(text: string): number[] | null {
  if (text.includes("%")) return null;
  let body = text;
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    // A dotted IPv4 tail is the last two groups, written differently.
    const ipv4 = parseIpv4(dotted[1]);
    if (ipv4 === null) return null;
    body = `${text.slice(0, dotted.index + 1)}${Math.floor(ipv4 / 65536).toString(16)}:${(ipv4 % 65536).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const toGroups = (half: string | undefined) => (half ? half.split(":") : []);
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  if (![...head, ...rest].every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros = Array.from({ length: 8 - known }, () => 0);
  return [...head.map(hex), ...zeros, ...rest.map(hex)];
}

const hex = (group: string) => Number.parseInt(group, 16);

function ipv6Kind(groups: number[]): AddressKind {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  const embeddedIpv4 = (high: number, low: number) => ipv4Kind(high * 65536 + low);
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0xffff) return embeddedIpv4(g, h); // IPv4-mapped ::ffff:a.b.c.d
    if (f === 0 && g === 0 && h === 0) return "reserved"; // ::
    if (f === 0 && g === 0 && h === 1) return "loopback"; // ::1
    if (f === 0) return embeddedIpv4(g, h); // the deprecated IPv4-compatible ::a.b.c.d
    return "reserved";
  }
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return embeddedIpv4(g, h); // NAT64
  if (a === 0x64 && b === 0xff9b) return "reserved"; // local-use NAT64 (64:ff9b:1::/48)
  if (a === 0x2002) return embeddedIpv4(b, c); // 6to4 carries the IPv4 address in bits 16-48
  if (a === 0x2001 && b === 0) return "reserved"; // Teredo, whose client address is obfuscated
  if (a === 0x2001 && b === 0xdb8) return "reserved"; // documentation
  if (a === 0x100 && b === 0 && c === 0 && d === 0) return "reserved"; // discard-only
  if ((a & 0xfe00) === 0xfc00) return "private"; // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80) return "link-local"; // fe80::/10
  if ((a & 0xffc0) === 0xfec0) return "private"; // the deprecated site-local fec0::/10
  if ((a & 0xff00) === 0xff00) return "reserved"; // multicast
  return "public";
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

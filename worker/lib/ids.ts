/** A random, URL-safe 22-character id (128 bits). */
export function newId(): string {
  return randomBase64Url(16);
}

/** `byteLength` random bytes as base64url without padding. */
export function randomBase64Url(byteLength: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(byteLength));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** `byteLength` random bytes as lower-case hex. */
export function randomHex(byteLength: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(byteLength)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
}

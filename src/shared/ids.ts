/** Random identifiers for clients, items and operations (the protocol's id alphabet). */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A random id of `length` characters of [A-Za-z0-9_-] (6 bits each, from crypto). */
export function randomId(length = 21): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 63];
  return out;
}

/**
 * The length of `JSON.stringify(value)` without building the string: what a
 * value costs on the wire, measured piece by piece so that sizing a large page
 * never allocates a copy of it. Exact for what JSON carries (plain objects,
 * arrays, strings, finite numbers, booleans, null); values JSON drops
 * (undefined, functions, symbols) are skipped as JSON.stringify skips them.
 */

/** Characters JSON.stringify escapes, and how long each escape is. */
function escapedLength(s: string): number {
  let n = s.length + 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) n += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 1 : 5;
    else if (c === 0x22 || c === 0x5c) n += 1;
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is written as \udXXX; a pair stays as it is.
      const pair =
        c <= 0xdbff ? i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 : i > 0 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800;
      if (!pair) n += 5;
    }
  }
  return n;
}

const dropped = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

/** Length of JSON.stringify(value) (0 when JSON.stringify would return undefined). */
export function jsonLength(value: unknown): number {
  switch (typeof value) {
    case "string":
      return escapedLength(value);
    case "number":
      return Number.isFinite(value) ? String(value).length : 4; // non-finite numbers become null
    case "boolean":
      return value ? 4 : 5;
    case "object": {
      if (value === null) return 4;
      const json = (value as { toJSON?: unknown }).toJSON;
      if (typeof json === "function") return jsonLength((json as () => unknown).call(value));
      if (Array.isArray(value)) {
        let n = 2 + Math.max(0, value.length - 1);
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          n += dropped(v) ? 4 : jsonLength(v);
        }
        return n;
      }
      let n = 2;
      let fields = 0;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const v = (value as Record<string, unknown>)[key];
        if (dropped(v)) continue;
        n += escapedLength(key) + 1 + jsonLength(v);
        fields++;
      }
      return n + Math.max(0, fields - 1);
    }
    default:
      return 0;
  }
}

/** Sizes already measured, by object (a page measured once is not walked again when it is written). */
const measured = new WeakMap<object, number>();

/** jsonLength, remembered per object: a broadcast measured for its first recipient costs the others nothing. */
export function cachedJsonLength(value: unknown): number {
  if (typeof value !== "object" || value === null) return jsonLength(value);
  let n = measured.get(value);
  if (n === undefined) measured.set(value, (n = jsonLength(value)));
  return n;
}

/** Records the JSON length of an object measured piece by piece (it must not change afterwards). */
export function rememberJsonLength(value: object, length: number): void {
  measured.set(value, length);
}

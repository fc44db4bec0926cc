/**
 * The one sanitiser of display names (people's names in presence and on cursors),
 * used by the server on every name it accepts and available to the client. A name
 * is plain text shown inline among others, so characters that change how the
 * surrounding text is laid out or that cannot be seen are removed: a name with a
 * right-to-left override rendered "nimda" as "admin", and zero-width characters
 * made look-alikes of other people's names.
 *
 * Removed: C0 and C1 controls (tabs and newlines included), the bidi formatting
 * characters (ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI),
 * zero-width and invisible format characters (ZWSP, ZWNJ, ZWJ, word joiner,
 * invisible operators, BOM, soft hyphen, Mongolian vowel separator), and
 * interlinear annotation and object replacement characters. Whitespace runs
 * become one space; the result is trimmed and capped at LIMITS.maxNameLength code
 * points. Clients still show names with bidi isolation (`<bdi>` or
 * `unicode-bidi: isolate`), so a right-to-left name cannot reorder what follows it.
 */
import { LIMITS } from "./protocol-constants.js";

// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFC]/g;

export function cleanDisplayName(raw: string): string {
  const visible = raw.normalize("NFC").replace(INVISIBLE, "").replace(/\s+/gu, " ").trim();
  return Array.from(visible).slice(0, LIMITS.maxNameLength).join("").trim();
}

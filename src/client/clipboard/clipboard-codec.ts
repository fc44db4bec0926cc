/**
 * What meshboard puts on the system clipboard and how it reads it back. Copied
 * items travel as JSON in a type of our own and, because some browsers keep only
 * text/plain and text/html, inside a marked text/html element too; text/plain
 * gets a readable version (the texts, or a count) for other apps.
 *
 * The clipboard is never trusted: every pasted item is checked here against the
 * protocol's item rules (by hand: the browser bundle carries no schema library;
 * test/unit/clipboard-codec.test.ts holds these checks to the schemas) and
 * rebuilt field by field, so nothing else comes along.
 */
import { COLOR_PATTERN, FILLS, LIMITS, SHAPE_KINDS, TEXT_CONTROL_CHARACTERS } from "../../shared/protocol-constants.js";
import type { Item, Shape, Stroke, Text } from "../../shared/protocol.js";

/** The clipboard type holding copied items (Chromium keeps custom types between its tabs). */
export const CLIP_TYPE = "application/x-meshboard+json";
/** The attribute that marks copied items in text/html. */
const HTML_MARK = "data-meshboard-clip";
const FORMAT = "meshboard/items";
const FORMAT_VERSION = 1;

/** Items one paste may add: each is an op, and the per-socket op burst must take them. */
export const MAX_PASTE_ITEMS = 1_000;
/** Characters of clipboard data read at all (a full board's worth is far below it). */
export const MAX_CLIP_CHARS = 16 * 1024 * 1024;
/** What a paste over MAX_CLIP_CHARS says. */
export const TOO_MUCH_TO_PASTE = "That is too much to paste at once.";

/** What a clipboard's data offers, by type (`getData` of a DataTransfer, "" when absent). */
export type ClipReader = (type: string) => string;

export type Pasted =
  | { kind: "items"; items: Item[] }
  | { kind: "text"; text: string }
  /** Something was there but cannot be pasted: tell the person why. */
  | { kind: "refused"; message: string }
  /** Nothing meshboard can use (an image, an empty clipboard). */
  | { kind: "nothing" };

/** The clipboard's types and their data for `items`. */
export function encodeClip(items: readonly Item[]): Record<string, string> {
  const json = JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, items });
  const texts = items.flatMap((i) => (i.kind === "text" ? [i.text] : []));
  const plain = texts.length === items.length ? texts.join("\n\n") : `${items.length} meshboard item${items.length === 1 ? "" : "s"}`;
  return {
    [CLIP_TYPE]: json,
    // ASCII only in the attribute: a browser that re-serialises the HTML (Chromium does, on
    // an asynchronous read) writes U+00A0 as &nbsp; there, and JSON's \u escapes survive anything.
    "text/html": `<meta charset="utf-8"><span ${HTML_MARK}="${escapeAttribute(asciiJson(json))}">${escapeAttribute(plain)}</span>`,
    "text/plain": plain,
  };
}

/** Whether clipboard HTML carries copied items (then its text/plain is only their summary). */
export function carriesItems(html: string): boolean {
  return fromHtml(html) !== "";
}

/** What the clipboard holds, checked: our items, else plain text, else nothing. */
export function decodeClip(read: ClipReader): Pasted {
  const json = read(CLIP_TYPE) || fromHtml(read("text/html"));
  if (json) return decodeItems(json);
  const plain = read("text/plain");
  return plain ? decodeText(plain) : { kind: "nothing" };
}

function decodeItems(json: string): Pasted {
  if (json.length > MAX_CLIP_CHARS) return { kind: "refused", message: TOO_MUCH_TO_PASTE };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { kind: "refused", message: "The copied items could not be read." };
  }
  if (!isRecord(data) || data.format !== FORMAT || !Array.isArray(data.items)) return { kind: "refused", message: "The copied items could not be read." };
  if (data.version !== FORMAT_VERSION) return { kind: "refused", message: "Those items were copied from another version of meshboard; reload both pages." };
  const raw: unknown[] = data.items;
  if (raw.length > MAX_PASTE_ITEMS) {
    return { kind: "refused", message: `That is ${raw.length.toLocaleString("en")} items; at most ${MAX_PASTE_ITEMS.toLocaleString("en")} can be pasted at once.` };
  }
  const items: Item[] = [];
  for (const r of raw) {
    const item = checkItem(r);
    if (typeof item === "string") return { kind: "refused", message: `Nothing was pasted: a copied item is not valid (${item}).` };
    items.push(item);
  }
  return items.length > 0 ? { kind: "items", items } : { kind: "nothing" };
}

/** Plain text from another app, as the text of a text item (line breaks normalised, control characters dropped). */
function decodeText(plain: string): Pasted {
  if (plain.length > MAX_CLIP_CHARS) return { kind: "refused", message: TOO_MUCH_TO_PASTE };
  const text = plain
    .replace(/\r\n?/g, "\n")
    .split("")
    .filter((ch) => !TEXT_CONTROL_CHARACTERS.test(ch))
    .join("")
    .replace(/^\s*\n|\s+$/g, "");
  if (text.trim() === "") return { kind: "nothing" };
  if (text.length > LIMITS.maxTextLength) {
    return {
      kind: "refused",
      message: `That text has ${text.length.toLocaleString("en")} characters; a text holds at most ${LIMITS.maxTextLength.toLocaleString("en")}. Paste it in parts.`,
    };
  }
  return { kind: "text", text };
}

/**
 * The item rebuilt from clipboard data (its id kept as given: a paste gives
 * copies new ids), or why it is not one. The rules are the protocol's
 * (src/shared/protocol.ts, itemSchema).
 */
export function checkItem(raw: unknown): Item | string {
  if (!isRecord(raw)) return "not an item";
  const id = typeof raw.id === "string" ? raw.id : "";
  const color = raw.color;
  if (typeof color !== "string" || !COLOR_PATTERN.test(color)) return "a colour is not #rrggbb";
  switch (raw.kind) {
    case "stroke": {
      const width = checkWidth(raw.width);
      if (width === null) return "a width is out of range";
      const points = raw.points;
      if (!Array.isArray(points) || points.length < 2 || points.length > LIMITS.maxPointsPerStroke * 2 || points.length % 2 !== 0) {
        return "a stroke's points are not a list of x,y pairs";
      }
      if (!points.every(isCoordinate)) return "a point lies outside the board";
      const stroke: Stroke = { kind: "stroke", id, color, width, points: points };
      return stroke;
    }
    case "shape": {
      const width = checkWidth(raw.width);
      if (width === null) return "a width is out of range";
      const shape = raw.shape;
      if (!SHAPE_KINDS.includes(shape as Shape["shape"])) return "unknown shape";
      const { x1, y1, x2, y2, fill } = raw;
      if (![x1, y1, x2, y2].every(isCoordinate)) return "a shape lies outside the board";
      const out: Shape = { kind: "shape", id, shape: shape as Shape["shape"], color, width, x1: x1 as number, y1: y1 as number, x2: x2 as number, y2: y2 as number };
      if (fill !== undefined) {
        if (!FILLS.includes(fill as NonNullable<Shape["fill"]>)) return "unknown fill";
        out.fill = fill as NonNullable<Shape["fill"]>;
      }
      return out;
    }
    case "text": {
      const { size, x, y, text } = raw;
      if (typeof size !== "number" || !(size >= LIMITS.minFontSize && size <= LIMITS.maxFontSize)) return "a font size is out of range";
      if (!isCoordinate(x) || !isCoordinate(y)) return "a text lies outside the board";
      if (typeof text !== "string" || text.length === 0 || text.length > LIMITS.maxTextLength) return "a text is empty or too long";
      if (TEXT_CONTROL_CHARACTERS.test(text)) return "a text holds control characters";
      const out: Text = { kind: "text", id, color, size, x, y, text };
      if (raw.w !== undefined) {
        const w = raw.w;
        if (typeof w !== "number" || !(w >= LIMITS.minTextWidth && w <= LIMITS.maxCoordinate)) return "a wrap width is out of range";
        out.w = w;
      }
      return out;
    }
    default:
      return "unknown kind of item";
  }
}

function checkWidth(w: unknown): number | null {
  return typeof w === "number" && w >= LIMITS.minWidth && w <= LIMITS.maxWidth ? w : null;
}

function isCoordinate(v: unknown): v is number {
  return typeof v === "number" && v >= -LIMITS.maxCoordinate && v <= LIMITS.maxCoordinate;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The same JSON with every non-ASCII character as a \u escape. */
function asciiJson(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The JSON in our marked element of pasted HTML, or "" (browsers may wrap or re-serialise the HTML: any form of character reference in the attribute is read). */
function fromHtml(html: string): string {
  if (!html) return "";
  const m = new RegExp(`${HTML_MARK}="([^"]*)"`).exec(html);
  if (!m) return "";
  const named: Record<string, string> = { quot: '"', lt: "<", gt: ">", apos: "'", nbsp: "\u00a0", amp: "&" };
  return m[1].replace(/&(?:#(\d+)|#x([0-9a-f]+)|(quot|lt|gt|apos|nbsp|amp));/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (name) return named[name.toLowerCase()];
    const code = dec ? Number(dec) : parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

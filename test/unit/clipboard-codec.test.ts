/**
 * The clipboard's meshboard format: what copy writes reads back as the same
 * items; the hand-written item checks (the browser bundle has no schemas) accept
 * exactly what the protocol's item schema accepts, field for field; plain text
 * becomes a text; what exceeds the limits is refused with a message; and where
 * pasted copies land.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CLIP_TYPE, MAX_PASTE_ITEMS, checkItem, decodeClip, encodeClip, type ClipReader } from "../../src/client/clipboard/clipboard-codec.js";
import { PASTE_OFFSET, pasteShift, pastedCopies } from "../../src/client/clipboard/paste-placement.js";
import { LIMITS, itemSchema, type Item } from "../../src/shared/protocol.js";
import { itemArb, nearlyValid } from "../helpers/arbitraries.js";

const rect: Item = { kind: "shape", id: "rect-0001", shape: "rect", color: "#1e1e24", width: 4, x1: 0, y1: 0, x2: 100, y2: 50, fill: "solid" };
const note: Item = { kind: "text", id: "text-0001", color: "#e03131", size: 24, x: 10, y: 20, text: "hello\nworld" };

const reader =
  (data: Record<string, string>): ClipReader =>
  (type) =>
    data[type] ?? "";

describe("clipboard format", () => {
  it("copy writes our type, marked HTML and readable plain text; each reads back as the items", () => {
    const clip = encodeClip([rect, note]);
    expect(clip["text/plain"]).toBe("2 meshboard items");
    expect(encodeClip([note])["text/plain"]).toBe("hello\nworld");
    expect(decodeClip(reader(clip))).toEqual({ kind: "items", items: [rect, note] });
    // Browsers that keep only text/html and text/plain (and wrap the HTML in their own).
    const html = `<html><body><!--StartFragment-->${clip["text/html"]}<!--EndFragment--></body></html>`;
    expect(decodeClip(reader({ "text/html": html, "text/plain": clip["text/plain"] }))).toEqual({ kind: "items", items: [rect, note] });
  });

  it("items survive any text in them (quotes, markup, entities)", () => {
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 5 }), (items) => {
        const clip = encodeClip(items);
        // Through JSON, as the clipboard carries them (-0 becomes 0).
        const parsed: unknown = JSON.parse(JSON.stringify(items.map((i) => itemSchema.parse(i))));
        expect(decodeClip(reader({ "text/html": clip["text/html"] }))).toEqual({ kind: "items", items: parsed });
      }),
      { numRuns: 200 },
    );
  });

  it("items survive a browser that re-serialises the HTML (Chromium's asynchronous read)", () => {
    const odd: Item = { ...note, text: 'Tom\u00a0& "Jerry" <3 é 😀 &nbsp; &#34;' };
    const html = encodeClip([odd])["text/html"];
    const attribute = /data-meshboard-clip="([^"]*)"/.exec(html)![1];
    expect(attribute).toMatch(/^[\x20-\x7e]*$/);
    // The attribute as the HTML serialiser writes it: & " < > and U+00A0 as references, or as numeric ones.
    const value = attribute.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    const serialised = (v: string) => v.replace(/&/g, "&amp;").replace(/\u00a0/g, "&nbsp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const numeric = (v: string) => v.replace(/[&"<>\u00a0]/g, (c) => `&#${c.charCodeAt(0)};`);
    const json = JSON.stringify({ format: "meshboard/items", version: 1, items: [odd] });
    for (const written of [serialised(value), numeric(value), serialised(json), numeric(json)]) {
      const pasted = `<html><body><span data-meshboard-clip="${written}">1 meshboard item</span></body></html>`;
      expect(decodeClip(reader({ "text/html": pasted }))).toEqual({ kind: "items", items: [odd] });
    }
  });

  it("plain text from another app becomes a text; line breaks normalised, control characters dropped", () => {
    expect(decodeClip(reader({ "text/plain": "one\r\ntwo\u0007\r\n" }))).toEqual({ kind: "text", text: "one\ntwo" });
    expect(decodeClip(reader({ "text/plain": "  \n\t " }))).toEqual({ kind: "nothing" });
    expect(decodeClip(reader({}))).toEqual({ kind: "nothing" });
  });

  it("refuses with a message: too long a text, too many items, an invalid item, unreadable data", () => {
    const long = decodeClip(reader({ "text/plain": "x".repeat(LIMITS.maxTextLength + 1) }));
    expect(long).toMatchObject({ kind: "refused", message: expect.stringContaining("at most 2,000") as string });
    const many = encodeClip(Array.from({ length: MAX_PASTE_ITEMS + 1 }, (_, i) => ({ ...note, id: `text-${i}-xxxx` })));
    expect(decodeClip(reader(many))).toMatchObject({ kind: "refused", message: expect.stringContaining("at most 1,000") as string });
    const bad = encodeClip([{ ...rect, x1: LIMITS.maxCoordinate * 2 }]);
    expect(decodeClip(reader(bad))).toMatchObject({ kind: "refused", message: expect.stringContaining("outside the board") as string });
    expect(decodeClip(reader({ [CLIP_TYPE]: "{not json" }))).toMatchObject({ kind: "refused" });
    expect(decodeClip(reader({ [CLIP_TYPE]: JSON.stringify({ format: "meshboard/items", version: 99, items: [] }) }))).toMatchObject({ kind: "refused" });
  });
});

describe("item checks agree with the protocol's item schema", () => {
  /** The schema's verdict, with a valid id: a paste gives copies new ids, so the clipboard's ids do not matter. */
  const schemaSays = (raw: unknown) =>
    raw !== null && typeof raw === "object" && !Array.isArray(raw) ? itemSchema.safeParse({ ...raw, id: "pasted-0001" }) : itemSchema.safeParse(raw);

  it("on valid items: the same item back, nothing added", () => {
    fc.assert(
      fc.property(itemArb, (item) => {
        expect({ ...(checkItem(item) as Item), id: "pasted-0001" }).toEqual(itemSchema.parse({ ...item, id: "pasted-0001" }));
      }),
      { numRuns: 300 },
    );
  });

  it("on nearly valid items (one field hostile, removed or polluted): accepted exactly when the schema accepts", () => {
    fc.assert(
      fc.property(nearlyValid(itemArb), (raw) => {
        const mine = checkItem(raw);
        const theirs = schemaSays(raw);
        expect(typeof mine !== "string", `${JSON.stringify(raw)?.slice(0, 200)}: ${String(typeof mine === "string" ? mine : "accepted")}`).toBe(theirs.success);
        if (theirs.success) expect({ ...(mine as Item), id: "pasted-0001" }).toEqual(theirs.data);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("where pasted copies land", () => {
  const view = { minX: 0, minY: 0, maxX: 800, maxY: 600 };

  it("over their originals: down and right, further at each paste", () => {
    expect(pasteShift([rect], { originalsHere: true, repeats: 0, view })).toEqual({ dx: PASTE_OFFSET, dy: PASTE_OFFSET });
    expect(pasteShift([rect], { originalsHere: true, repeats: 2, view })).toEqual({ dx: 3 * PASTE_OFFSET, dy: 3 * PASTE_OFFSET });
  });

  it("from another board: in place when in view, else centred in the view", () => {
    expect(pasteShift([rect], { originalsHere: false, repeats: 0, view })).toEqual({ dx: 0, dy: 0 });
    const far = { minX: 5000, minY: 5000, maxX: 5800, maxY: 5600 };
    expect(pasteShift([rect], { originalsHere: false, repeats: 0, view: far })).toEqual({ dx: 5350, dy: 5275 });
  });

  it("never past the board's edge; copies get new ids", () => {
    const edge: Item = { ...rect, x2: LIMITS.maxCoordinate, y2: LIMITS.maxCoordinate };
    expect(pasteShift([edge], { originalsHere: true, repeats: 0, view })).toBeNull();
    const [copy] = pastedCopies([rect], { dx: 24, dy: 24 }, () => "new-id-0001");
    expect(copy).toEqual({ ...rect, id: "new-id-0001", x1: 24, y1: 24, x2: 124, y2: 74 });
  });
});

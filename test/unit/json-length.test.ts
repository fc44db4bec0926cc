import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonLength } from "../../src/shared/json-length.js";
import { strokeOp } from "../helpers/board-client.js";

describe("jsonLength", () => {
  it("equals JSON.stringify(value).length for any JSON value, odd strings included", () => {
    const text = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), fc.string());
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.integer(),
        text,
        fc.array(tie("any")),
        fc.dictionary(text, tie("any")),
      ),
    })).any;
    fc.assert(fc.property(value, (v) => jsonLength(v) === JSON.stringify(v).length), { numRuns: 500 });
  });

  it("skips what JSON drops and writes lone surrogates and non-finite numbers as JSON does", () => {
    for (const v of [{ a: undefined, b: () => 1, c: 1 }, [undefined, () => 1, Symbol("s")], "\ud800x\udc00", [NaN, -Infinity], { d: new Date(0) }]) {
      expect(jsonLength(v)).toBe(JSON.stringify(v).length);
    }
  });

  it("measures a sequenced op of thousands of long decimals exactly", () => {
    const points = Array.from({ length: 8_000 }, (_, i) => (i % 2 ? -1 : 1) * (123_456.78901234 + i / 7));
    const page = [{ seq: 1, author: "author-1234", at: Date.now(), op: strokeOp(points) }];
    expect(jsonLength(page)).toBe(JSON.stringify(page).length);
  });
});

import { describe, expect, it } from "vitest";
import { cleanDisplayName } from "../../src/shared/display-name.js";
import { LIMITS } from "../../src/shared/protocol.js";

describe("cleanDisplayName", () => {
  it("removes bidi overrides and isolates, zero-width and control characters", () => {
    expect(cleanDisplayName("\u202Enimda")).toBe("nimda");
    expect(cleanDisplayName("a\u200Bd\u200Cm\u200Di\u2060n\uFEFF")).toBe("admin");
    expect(cleanDisplayName("\u2067Eve\u2069 \u200Fx")).toBe("Eve x");
    expect(cleanDisplayName("bell\u0007\u0085\u001Bname")).toBe("bellname");
    expect(cleanDisplayName("soft\u00ADhyphen")).toBe("softhyphen");
  });

  it("keeps letters of every script and emoji, collapses whitespace, trims and caps the length", () => {
    expect(cleanDisplayName("  Zoë\t  שלום \n 名前 🎨 ")).toBe("Zoë שלום 名前 🎨");
    expect(Array.from(cleanDisplayName("🎨".repeat(100))).length).toBe(LIMITS.maxNameLength);
    expect(cleanDisplayName("\u202E\u200B")).toBe("");
  });
});

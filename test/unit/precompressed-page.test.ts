import { describe, expect, it } from "vitest";
import { negotiateEncoding } from "../../src/server/http/precompressed-page.js";

describe("negotiateEncoding", () => {
  const both = ["br", "gzip"] as const;
  it("prefers brotli, then gzip, then the plain body", () => {
    expect(negotiateEncoding("gzip, deflate, br", both)).toBe("br");
    expect(negotiateEncoding("gzip", both)).toBe("gzip");
    expect(negotiateEncoding(undefined, both)).toBe("identity");
    expect(negotiateEncoding("", both)).toBe("identity");
    expect(negotiateEncoding("br", ["gzip"])).toBe("identity");
  });
  it("honours q-values, q=0 refusing a coding", () => {
    expect(negotiateEncoding("br;q=0, gzip", both)).toBe("gzip");
    expect(negotiateEncoding("br;q=0.2, gzip;q=0.8", both)).toBe("gzip");
    expect(negotiateEncoding("*", both)).toBe("br");
    expect(negotiateEncoding("*;q=0, identity", both)).toBe("identity");
    expect(negotiateEncoding("BR", both)).toBe("br");
  });
});

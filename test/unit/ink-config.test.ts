/** The ink clock's settings: a range that follows load by default, a fixed clock when INK_TICK_MS is set. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/server/config.js";

const load = (env: Record<string, string>) => loadConfig(env, { drainSeconds: 10 }).ink;

describe("ink clock settings", () => {
  it("follows load between INK_TICK_MIN_MS and INK_TICK_MAX_MS by default", () => {
    expect(load({})).toEqual({ minMs: 5, maxMs: 33, flushLagMs: 12, loadHigh: 0.25, loadLow: 0.1 });
    expect(load({ INK_TICK_MIN_MS: "8", INK_TICK_MAX_MS: "40", INK_LOAD_HIGH: "0.4", INK_LOAD_LOW: "0.15" })).toEqual({
      minMs: 8,
      maxMs: 40,
      flushLagMs: 12,
      loadHigh: 0.4,
      loadLow: 0.15,
    });
  });

  it("keeps a fixed clock when INK_TICK_MS is set", () => {
    expect(load({ INK_TICK_MS: "25", INK_FLUSH_LAG_MS: "10" })).toEqual({ minMs: 25, maxMs: 25, flushLagMs: 10 });
  });

  it("refuses a minimum above the maximum, and a lag not shorter than the longest tick", () => {
    expect(() => load({ INK_TICK_MIN_MS: "50", INK_TICK_MAX_MS: "33" })).toThrow(ConfigError);
    expect(() => load({ INK_LOAD_HIGH: "0.2", INK_LOAD_LOW: "0.3" })).toThrow(/INK_LOAD_LOW/);
    expect(() => load({ INK_TICK_MAX_MS: "20", INK_FLUSH_LAG_MS: "20" })).toThrow(/INK_FLUSH_LAG_MS/);
    expect(() => load({ INK_TICK_MS: "10", INK_FLUSH_LAG_MS: "12" })).toThrow(/INK_FLUSH_LAG_MS/);
  });
});

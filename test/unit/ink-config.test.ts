/** The ink clock's settings: a range that follows load by default, a fixed clock when INK_TICK_MS is set. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/server/config.js";

const load = (env: Record<string, string>) => loadConfig(env, { drainSeconds: 10 }).ink;

describe("ink clock settings", () => {
  it("follows load between INK_TICK_MIN_MS and INK_TICK_MAX_MS by default", () => {
    expect(load({})).toEqual({ minMs: 5, maxMs: 33, flushLagMs: 12, quietDeliveries: 4_000, busyDeliveries: 8_000 });
    expect(load({ INK_TICK_MIN_MS: "8", INK_TICK_MAX_MS: "40", INK_QUIET_DELIVERIES: "10000", INK_BUSY_DELIVERIES: "40000" })).toEqual({
      minMs: 8,
      maxMs: 40,
      flushLagMs: 12,
      quietDeliveries: 10_000,
      busyDeliveries: 40_000,
    });
    // Only the busy rate set, below the default quiet one: quiet follows it down.
    expect(load({ INK_BUSY_DELIVERIES: "1000" })).toMatchObject({ quietDeliveries: 1_000, busyDeliveries: 1_000 });
  });

  it("keeps a fixed clock when INK_TICK_MS is set", () => {
    expect(load({ INK_TICK_MS: "25", INK_FLUSH_LAG_MS: "10" })).toEqual({ minMs: 25, maxMs: 25, flushLagMs: 10 });
  });

  it("refuses a minimum above the maximum, and a lag not shorter than the longest tick", () => {
    expect(() => load({ INK_TICK_MIN_MS: "50", INK_TICK_MAX_MS: "33" })).toThrow(ConfigError);
    expect(() => load({ INK_BUSY_DELIVERIES: "0" })).toThrow(/INK_BUSY_DELIVERIES/);
    expect(() => load({ INK_QUIET_DELIVERIES: "9000", INK_BUSY_DELIVERIES: "8000" })).toThrow(/INK_QUIET_DELIVERIES/);
    expect(() => load({ INK_TICK_MAX_MS: "20", INK_FLUSH_LAG_MS: "20" })).toThrow(/INK_FLUSH_LAG_MS/);
    expect(() => load({ INK_TICK_MS: "10", INK_FLUSH_LAG_MS: "12" })).toThrow(/INK_FLUSH_LAG_MS/);
  });
});

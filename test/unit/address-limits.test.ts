/** Cluster-wide limits never hold a handshake or an op hostage to a Redis that does not answer. */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { REDIS_LIMIT_TIMEOUT_MS, take } from "../../src/server/cluster/address-limits.js";

describe("take", () => {
  it("gives up on a limiter whose Redis never answers (a reconnecting client queues commands)", async () => {
    const stalled = { consume: () => new Promise(() => undefined) } as unknown as RateLimiterAbstract;
    const started = Date.now();
    await expect(take(stalled, "192.0.2.1")).rejects.toThrow(/no answer from Redis/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(REDIS_LIMIT_TIMEOUT_MS - 50);
  });

  it("grants what the limiter grants, and refuses what it refuses", async () => {
    const granting = { consume: () => Promise.resolve({}) } as unknown as RateLimiterAbstract;
    expect(await take(granting, "192.0.2.1")).toBe(true);
    expect(await take(null, "192.0.2.1")).toBe(true);
  });
});

describe("take, refused", () => {
  it("answers false when the limiter refuses (a RateLimiterRes rejection)", async () => {
    const { RateLimiterRes } = await import("rate-limiter-flexible");
    // rate-limiter-flexible rejects a refused point with a RateLimiterRes, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const refusing = { consume: () => Promise.reject(new RateLimiterRes(0, 1000, 1, false)) } as unknown as RateLimiterAbstract;
    expect(await take(refusing, "192.0.2.1")).toBe(false);
  });
});

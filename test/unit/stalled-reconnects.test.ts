/** The watchdog for node-redis reconnects that stall (open, never ready, silent), with a fake client and fake timers. */
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reviveStalledReconnects } from "../../src/server/cluster/stalled-reconnects.js";

class FakeClient extends EventEmitter {
  isOpen = true;
  isReady = true;
  connects = 0;
  destroys = 0;
  async connect() {
    this.connects++;
    this.isOpen = true;
    this.isReady = true;
    return this;
  }
  destroy() {
    this.destroys++;
    this.isOpen = false;
  }
}

const log = pino({ level: "silent" });
const times = { stallMs: 4_000, stallWhenPeersReadyMs: 1_500, settleMs: 2_100 };

describe("reviveStalledReconnects", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("leaves a ready client and a client that keeps trying alone", () => {
    const c = new FakeClient();
    const stop = reviveStalledReconnects(c, log, times);
    vi.advanceTimersByTime(10_000);
    // Losing the connection is always announced with an error.
    c.isReady = false;
    c.emit("error", new Error("socket closed"));
    // A reconnect loop emits something at least every 2 s.
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1_900);
      c.emit(i % 2 ? "reconnecting" : "error", new Error("down"));
    }
    expect(c.destroys).toBe(0);
    stop();
  });

  it("revives a silent, open, not-ready client: sooner when Redis is known to be back, once, after the stalled loop ends", async () => {
    const c = new FakeClient();
    let peersReady = false;
    reviveStalledReconnects(c, log, times, () => peersReady);
    c.isReady = false;
    c.emit("error", new Error("socket closed"));
    vi.advanceTimersByTime(3_000);
    expect(c.destroys).toBe(0);
    peersReady = true;
    vi.advanceTimersByTime(500);
    expect(c.destroys).toBe(1);
    expect(c.connects).toBe(0);
    // The stalled loop ends with "reconnecting"; the new connect comes right after, not during it.
    c.emit("reconnecting");
    expect(c.connects).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.connects).toBe(1);
    // The settle timer does not connect a second time.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(c.connects).toBe(1);
  });

  it("connects after the longest backoff when the stalled handshake never ends", async () => {
    const c = new FakeClient();
    reviveStalledReconnects(c, log, times);
    c.isReady = false;
    vi.advanceTimersByTime(3_900);
    expect(c.destroys).toBe(0);
    vi.advanceTimersByTime(200);
    expect(c.destroys).toBe(1);
    await vi.advanceTimersByTimeAsync(1_900);
    expect(c.connects).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(c.connects).toBe(1);
    expect(c.isReady).toBe(true);
  });

  it("ignores cluster clients, which have no isReady", () => {
    const c = new FakeClient();
    Object.defineProperty(c, "isReady", { value: undefined });
    reviveStalledReconnects(c, log, times);
    vi.advanceTimersByTime(60_000);
    expect(c.destroys).toBe(0);
  });

  it("revives a ready client that leaves a PING unanswered; one that answers, even with an error reply, is left alone", async () => {
    const c = new FakeClient();
    const withProbe = { ...times, unansweredMs: 5_000 };
    let answer: "ok" | "error" | "never" = "ok";
    let pings = 0;
    const ping = () => {
      pings++;
      if (answer === "ok") return Promise.resolve("PONG");
      if (answer === "error") return Promise.reject(new Error("LOADING Redis is loading the dataset in memory"));
      return new Promise(() => undefined);
    };
    reviveStalledReconnects(c, log, withProbe, () => true, ping);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(pings).toBeGreaterThanOrEqual(15);
    answer = "error";
    await vi.advanceTimersByTimeAsync(20_000);
    expect(c.destroys).toBe(0);
    answer = "never";
    await vi.advanceTimersByTimeAsync(4_000);
    expect(c.destroys).toBe(0);
    const asked = pings;
    await vi.advanceTimersByTimeAsync(2_000);
    // One PING at a time: none is sent while one is unanswered.
    expect(pings).toBe(asked);
    expect(c.destroys).toBe(1);
    c.emit("reconnecting");
    await vi.advanceTimersByTimeAsync(1);
    expect(c.connects).toBe(1);
    // Answering again after the new connection: no second revival.
    answer = "ok";
    await vi.advanceTimersByTimeAsync(20_000);
    expect(c.destroys).toBe(1);
  });

  it("asks no PING of a client that is not ready, nor without a ping function", async () => {
    const c = new FakeClient();
    let pings = 0;
    const ping = () => {
      pings++;
      return new Promise(() => undefined);
    };
    c.isReady = false;
    const stop = reviveStalledReconnects(c, log, { ...times, unansweredMs: 5_000 }, () => false, ping);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1_900);
      c.emit("reconnecting");
    }
    expect(pings).toBe(0);
    stop();
    const d = new FakeClient();
    reviveStalledReconnects(d, log, { ...times, unansweredMs: 5_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(d.destroys).toBe(0);
  });
});

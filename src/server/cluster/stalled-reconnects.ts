/**
 * node-redis 5 can stall a reconnect for good: when the socket drops while the
 * connection handshake (HELLO, resubscribe) is in flight, that handshake's promise
 * may never settle, and the client stays open but never ready, emitting nothing
 * more (redis/node-redis#3346; reproduced here by restarting Redis under load,
 * about every other time). A client silent in that state for longer than any
 * reconnect attempt takes is destroyed and connected again: its pub/sub listeners
 * survive destroy() and are resubscribed by the new connection.
 *
 * It can also come back "ready" and never answer: after a Redis restart under load
 * (test/integration/faults.test.ts, about one run in ten) a node's command client
 * took commands for 15 s without a reply, then answered them with other commands'
 * replies. So a ready client is asked a PING every second (when `ping` is given),
 * and one that leaves a PING unanswered past `unansweredMs` is revived the same way.
 */
import type { EventEmitter } from "node:events";
import type { Logger } from "../observability/logger.js";

export interface ReconnectingClient {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  connect(): Promise<unknown>;
  destroy(): void;
}

/** How often a ready client is asked a PING. */
export const PROBE_EVERY_MS = 1_000;

export interface StallTimes {
  /** Silence (no error, reconnecting, connect or ready event) after which a not-ready open client counts as stalled. */
  stallMs: number;
  /** The same, once another connection to the same Redis is ready (Redis is back: a handshake takes milliseconds). */
  stallWhenPeersReadyMs: number;
  /** Longest wait between destroy() and connect() (longer than the reconnect strategy's longest delay), so the stalled loop ends first. */
  settleMs: number;
  /** A PING unanswered this long by a ready client counts as a stall (only with `ping`). */
  unansweredMs?: number;
}

/** Watches one client; returns a function that stops watching. */
export function reviveStalledReconnects(
  client: ReconnectingClient,
  log: Logger,
  times: StallTimes,
  peersReady: () => boolean = () => false,
  ping?: () => Promise<unknown>,
): () => void {
  // A cluster client has no isReady and its own recovery.
  if (client.isReady === undefined) return () => undefined;
  let lastEvent = Date.now();
  let reviving = false;
  /** When the PING in flight was sent (null: none in flight), and when the last one was. */
  let pingSentAt: number | null = null;
  let lastPing = 0;
  const emitter = client as unknown as EventEmitter;
  const heard = () => (lastEvent = Date.now());
  const events = ["error", "reconnecting", "connect", "ready"];
  for (const ev of events) emitter.on(ev, heard);

  const revive = (why: Record<string, unknown>, msg: string) => {
    reviving = true;
    pingSentAt = null;
    log.warn(why, msg);
    // destroy() rejects the stalled handshake; its loop then waits out one backoff, emits
    // "reconnecting", sees the client closed and ends. Connect again only after that (or
    // after the longest backoff, if the handshake never settles), or two loops would run.
    const reconnect = () => {
      clearTimeout(settle);
      emitter.off("reconnecting", onLoopEnd);
      lastEvent = Date.now();
      client.connect().then(
        () => (reviving = false),
        (err: Error) => {
          reviving = false;
          log.warn({ err: err.message }, "Redis reconnect after a stall failed; retrying");
        },
      );
    };
    const onLoopEnd = () => setImmediate(reconnect);
    emitter.once("reconnecting", onLoopEnd);
    const settle = setTimeout(reconnect, times.settleMs);
    settle.unref();
    try {
      client.destroy();
    } catch {
      // already closed
    }
  };

  const probe = () => {
    const sentAt = (pingSentAt = lastPing = Date.now());
    // Any answer, an error reply included, shows the connection is alive.
    const answered = () => {
      if (pingSentAt === sentAt) pingSentAt = null;
    };
    ping!().then(answered, answered);
  };

  const timer = setInterval(() => {
    if (reviving || !client.isOpen) return;
    const now = Date.now();
    if (client.isReady) {
      if (!ping || times.unansweredMs === undefined) return;
      if (pingSentAt !== null && now - pingSentAt >= times.unansweredMs) {
        return revive({ unansweredMs: now - pingSentAt }, "Redis connection ready but not answering; reconnecting afresh");
      }
      if (pingSentAt === null && now - lastPing >= PROBE_EVERY_MS) probe();
      return;
    }
    pingSentAt = null;
    const limit = peersReady() ? times.stallWhenPeersReadyMs : times.stallMs;
    if (now - lastEvent < limit) return;
    revive({ silentMs: now - lastEvent }, "Redis reconnect stalled; reconnecting afresh");
  }, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const ev of events) emitter.off(ev, heard);
  };
}

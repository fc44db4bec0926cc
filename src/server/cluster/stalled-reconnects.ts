/**
 * node-redis 5 can stall a reconnect for good: when the socket drops while the
 * connection handshake (HELLO, resubscribe) is in flight, that handshake's promise
 * may never settle, and the client stays open but never ready, emitting nothing
 * more (redis/node-redis#3346; reproduced here by restarting Redis under load,
 * about every other time). A client silent in that state for longer than any
 * reconnect attempt takes is destroyed and connected again: its pub/sub listeners
 * survive destroy() and are resubscribed by the new connection.
 */
import type { EventEmitter } from "node:events";
import type { Logger } from "../observability/logger.js";

export interface ReconnectingClient {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  connect(): Promise<unknown>;
  destroy(): void;
}

export interface StallTimes {
  /** Silence (no error, reconnecting, connect or ready event) after which a not-ready open client counts as stalled. */
  stallMs: number;
  /** The same, once another connection to the same Redis is ready (Redis is back: a handshake takes milliseconds). */
  stallWhenPeersReadyMs: number;
  /** Longest wait between destroy() and connect() (longer than the reconnect strategy's longest delay), so the stalled loop ends first. */
  settleMs: number;
}

/** Watches one client; returns a function that stops watching. */
export function reviveStalledReconnects(
  client: ReconnectingClient,
  log: Logger,
  times: StallTimes,
  peersReady: () => boolean = () => false,
): () => void {
  // A cluster client has no isReady and its own recovery.
  if (client.isReady === undefined) return () => undefined;
  let lastEvent = Date.now();
  let reviving = false;
  const emitter = client as unknown as EventEmitter;
  const heard = () => (lastEvent = Date.now());
  const events = ["error", "reconnecting", "connect", "ready"];
  for (const ev of events) emitter.on(ev, heard);
  const timer = setInterval(() => {
    const limit = peersReady() ? times.stallWhenPeersReadyMs : times.stallMs;
    if (reviving || !client.isOpen || client.isReady || Date.now() - lastEvent < limit) return;
    reviving = true;
    log.warn({ silentMs: Date.now() - lastEvent }, "Redis reconnect stalled; reconnecting afresh");
    // destroy() rejects the stalled handshake; its loop then waits out one backoff, emits
    // "reconnecting", sees the client closed and ends. Connect again only after that (or
    // after the longest backoff, if the handshake never settles), or two loops would run.
    const reconnect = () => {
      clearTimeout(timer);
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
    const timer = setTimeout(reconnect, times.settleMs);
    timer.unref();
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const ev of events) emitter.off(ev, heard);
  };
}

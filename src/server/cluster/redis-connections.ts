/**
 * The node's Redis connections (commands, adapter publish, adapter subscribe)
 * and their health. A comma-separated REDIS_URL means Redis Cluster.
 */
import { EventEmitter } from "node:events";
import { createClient, createCluster } from "redis";
import type { Logger } from "../observability/logger.js";
import { reviveStalledReconnects, type ReconnectingClient } from "./stalled-reconnects.js";

type Client = ReturnType<typeof createClient> | ReturnType<typeof createCluster>;

export interface RedisConnections {
  commands: Client;
  pub: Client;
  sub: Client;
  health: RedisHealth;
  close(): Promise<void>;
}

/** Hides credentials: `redis://user:secret@host` → `redis://user:***@host`. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
}

export function parseRedisUrls(redisUrl: string): string[] {
  return redisUrl
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);
}

/** Up when every connection is ready; emits "up" and "down" on changes. */
export class RedisHealth extends EventEmitter<{ up: []; down: [] }> {
  private wasUp = false;

  constructor(private readonly ready: () => boolean) {
    super();
  }

  isUp(): boolean {
    return this.ready();
  }

  /** Re-evaluates after any connection event. */
  check(): void {
    const up = this.isUp();
    if (up !== this.wasUp) {
      this.wasUp = up;
      this.emit(up ? "up" : "down");
    }
  }
}

export function connectRedis(redisUrl: string, log: Logger): RedisConnections {
  const urls = parseRedisUrls(redisUrl);
  const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000);
  const make = (): Client =>
    urls.length > 1
      ? createCluster({ rootNodes: urls.map((url) => ({ url })), defaults: { socket: { reconnectStrategy, connectTimeout: 2000 } } })
      : createClient({ url: urls[0], socket: { reconnectStrategy, connectTimeout: 2000 } });

  const commands = make();
  const pub = make();
  const sub = make();
  const clients = [commands, pub, sub];
  // A single client knows when it is ready; a cluster client counts as open from the
  // start of connect(), so it is ready once connect() has resolved (slots known).
  const connected = new Set<Client>();
  const ready = (c: Client) => {
    const flags = c as unknown as { isReady?: boolean; isOpen: boolean };
    return flags.isReady ?? (connected.has(c) && flags.isOpen);
  };
  const health = new RedisHealth(() => clients.every(ready));
  const where = urls.map(redactUrl).join(",");
  let lastErrorLog = 0;

  for (const c of clients) {
    const emitter = c as unknown as EventEmitter;
    emitter.on("error", (err: Error & { code?: string }) => {
      // One clear line at most every 10 s while Redis is unreachable.
      if (Date.now() - lastErrorLog > 10_000) {
        lastErrorLog = Date.now();
        log.error({ redis: where, code: err.code, err: err.message }, "cannot reach Redis; not ready, retrying");
      }
      health.check();
    });
    for (const ev of ["ready", "end", "reconnecting", "connect"]) emitter.on(ev, () => queueMicrotask(() => health.check()));
    // Connecting retries until Redis answers; until then the node reports not ready.
    // (A single client retries by itself; a cluster client gives up when no root
    // node answers, so it is asked again.)
    const connect = (): void =>
      void c.connect().then(
        () => {
          connected.add(c);
          health.check();
        },
        (err: Error) => {
          log.error({ redis: where, err: err.message }, "Redis connection failed; retrying");
          setTimeout(connect, 1000).unref();
        },
      );
    connect();
  }
  // Between two events of a reconnect loop there are at most 2 s (backoff, or the connect timeout): 4 s of silence is a stall.
  // A ready connection that leaves a PING unanswered for 3 s is stalled too (the subscriber
  // is not asked: a subscribed RESP2 connection takes no PING as a command).
  const times = { stallMs: 4_000, stallWhenPeersReadyMs: 1_500, settleMs: 2_100, unansweredMs: 3_000 };
  const stopWatching = clients.map((c) =>
    reviveStalledReconnects(
      c as unknown as ReconnectingClient,
      log,
      times,
      () => clients.some((o) => o !== c && ready(o)),
      c === sub ? undefined : () => c.ping(),
    ),
  );
  health.on("up", () => {
    lastErrorLog = 0;
    log.info({ redis: where }, "Redis connected");
  });

  return {
    commands,
    pub,
    sub,
    health,
    close: async () => {
      for (const stop of stopWatching) stop();
      await Promise.all(clients.map((c) => (c.isOpen ? c.close().catch(() => undefined) : Promise.resolve())));
    },
  };
}

/**
 * Cluster mode: board logs and presence in Redis, cross-node fan-out through the
 * official sharded Redis adapter (Redis >= 7) with dynamic subscriptions, so a
 * node only receives traffic for boards that have members on it.
 */
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { LIMITS } from "../../shared/protocol.js";
import { redisIdentityKey } from "../access/identity-key.js";
import type { Backend } from "../backend.js";
import type { Readiness } from "../lifecycle.js";
import type { Logger } from "../observability/logger.js";
import { boardRoom, type MeshServer } from "../realtime/types.js";
import { RedisBoardStore } from "../store/redis-store.js";
import { ClusterAddressLimits } from "./address-limits.js";
import { RedisPresence } from "./redis-presence.js";
import { BoardReach, shardSubscribers } from "./board-reach.js";
import { connectRedis, parseRedisUrls } from "./redis-connections.js";
import { handleSubscriptionErrors } from "./subscription-errors.js";

export interface ClusterOptions {
  /** Lifetime of a peer in Redis without its node's heartbeat (default 30 s). */
  presenceTtlMs?: number;
  /** This node's id, as its peers carry it (and the holder of the retention lease). */
  nodeId?: string;
  /** BOARD_MAX_BYTES. */
  boardMaxBytes?: number;
}

/** SET NX PX: the node that sets it sweeps this period. Allowed at maxmemory (a sweep frees memory). */
const LEASE = `#!lua flags=allow-oom
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
`;

export async function createClusterBackend(redisUrl: string, log: Logger, readiness: Readiness, options: ClusterOptions = {}): Promise<Backend> {
  const redis = connectRedis(redisUrl, log.child({ component: "redis" }));
  readiness.depend("redis", () => redis.health.isUp());
  const store = new RedisBoardStore(redis.commands, { maxItemsPerBoard: LIMITS.maxItemsPerBoard, maxBytesPerBoard: options.boardMaxBytes });
  const presence = new RedisPresence(redis.commands, { ttlMs: options.presenceTtlMs, nodeId: options.nodeId });
  // Redis back (a restart replays its AOF: sessions that ended meanwhile come back,
  // recent ones may be missing): this node's entries are put right at once.
  redis.health.on("up", () => void presence.reconcile());

  const commands = redis.commands;
  return {
    store,
    presence,
    // A little shorter than the period, so the next period's sweep is free to take it.
    sweepLease: async (periodMs) =>
      Number(await commands.eval(LEASE, { keys: ["mb:retention:lease"], arguments: [options.nodeId ?? "node", String(Math.max(100, Math.floor(periodMs * 0.9)))] })) === 1,
    clusterLimits: (limitOptions) => new ClusterAddressLimits(redis.commands, limitOptions),
    attachAdapter(io: MeshServer, installed: () => void) {
      // The adapter subscribes as it is created, which a Redis Cluster client can only
      // do once it knows the slots: install it when Redis is first up. No client is
      // admitted before that (the node is not ready), so none misses a broadcast.
      const install = () => {
        const sub = handleSubscriptionErrors(redis.sub, log);
        io.adapter(createShardedAdapter(redis.pub, sub, { subscriptionMode: "dynamic" }));
        installed();
      };
      if (redis.health.isUp()) install();
      else redis.health.once("up", install);
      // Without Redis this node can neither save nor fan out: send its clients
      // away (they reconnect once it, or another node, is ready again; their
      // unacknowledged operations wait in their outboxes meanwhile).
      redis.health.on("down", () => {
        log.warn("Redis lost: not ready; disconnecting local clients");
        for (const socket of io.of("/").sockets.values()) socket.conn.close();
      });
    },
    boardReach(io: MeshServer) {
      const cluster = parseRedisUrls(redisUrl).length > 1;
      return new BoardReach({
        log,
        countHosts: async (boardId) => {
          // The sharded adapter's channel for the board's room (its dynamic subscription).
          const adapter = io.of("/").adapter as unknown as { dynamicChannel?: (room: string) => string };
          if (typeof adapter.dynamicChannel !== "function") return Number.POSITIVE_INFINITY;
          return shardSubscribers(redis.pub, adapter.dynamicChannel(boardRoom(boardId)), cluster);
        },
      });
    },
    identityKey: async () => {
      // Once Redis answers; retried while it does not (the node stays not ready meanwhile).
      for (;;) {
        if (!redis.health.isUp()) await new Promise<void>((resolve) => redis.health.once("up", () => resolve()));
        try {
          return await redisIdentityKey(redis.commands);
        } catch (err) {
          log.warn({ err: (err as Error).message }, "could not read the identity key from Redis; retrying");
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    },
    close: async () => {
      await presence.close();
      await store.close();
      await redis.close();
    },
  };
}

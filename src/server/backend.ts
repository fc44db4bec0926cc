/**
 * Chooses where board state and presence live: embedded (SQLite, memory) for a
 * single node, or Redis (store, presence, adapter) when REDIS_URL is set.
 */
import { LIMITS } from "../shared/protocol.js";
import { fileIdentityKey } from "./access/identity-key.js";
import type { BoardReach } from "./cluster/board-reach.js";
import type { Config } from "./config.js";
import type { Readiness } from "./lifecycle.js";
import type { SweepLease } from "./board/retention.js";
import type { ClusterAddressLimits, ClusterLimitOptions } from "./cluster/address-limits.js";
import type { Logger } from "./observability/logger.js";
import { MemoryPresence, type PresenceRegistry } from "./realtime/presence.js";
import type { MeshServer } from "./realtime/types.js";
import type { BoardStore } from "./store/board-store.js";
import { SqliteBoardStore } from "./store/sqlite-store.js";

export interface Backend {
  store: BoardStore;
  presence: PresenceRegistry;
  /** Installs a cross-node adapter on the Socket.IO server (cluster mode), then calls `installed`. */
  attachAdapter?: (io: MeshServer, installed: () => void) => void;
  /** Who sweeps for retention this period (cluster mode: a lease in Redis); none: this node alone. */
  sweepLease?: SweepLease;
  /** Cluster mode: per-address limits over every node, in Redis. */
  clusterLimits?: (options: ClusterLimitOptions) => ClusterAddressLimits;
  /** Whether other nodes may have members of a board (cluster mode); none: never. */
  boardReach?: (io: MeshServer) => BoardReach;
  /** The identity key shared by the nodes that verify the same cookies (identity-key.ts). */
  identityKey(): Promise<Buffer>;
  close(): Promise<void>;
}

export async function createBackend(config: Config, log: Logger, readiness: Readiness): Promise<Backend> {
  if (config.redisUrl) {
    const { createClusterBackend } = await import("./cluster/cluster-backend.js");
    return createClusterBackend(config.redisUrl, log, readiness, {
      presenceTtlMs: config.presenceTtlMs,
      boardMaxBytes: config.boardMaxBytes,
      nodeId: config.nodeId,
    });
  }
  const store = new SqliteBoardStore(config.dataDir, { maxItemsPerBoard: LIMITS.maxItemsPerBoard, maxBytesPerBoard: config.boardMaxBytes });
  const presence = new MemoryPresence();
  return {
    store,
    presence,
    identityKey: async () => fileIdentityKey(config.dataDir),
    close: async () => {
      await presence.close();
      await store.close();
    },
  };
}

/**
 * Presence shared through Redis: one hash per board, sessionId → peer with an
 * expiry. Each node refreshes its own peers on a heartbeat, so the peers of a
 * node that died vanish within PEER_TTL_MS without anyone asking every node.
 */
import type { Peer } from "../../shared/protocol.js";
import type { PresenceRegistry } from "../realtime/presence.js";

export const PEER_TTL_MS = 30_000;
const HEARTBEAT_MS = 10_000;

interface StoredPeer extends Peer {
  exp: number;
}

export interface PresenceRedis {
  hSet(key: string, field: string, value: string): Promise<unknown>;
  hDel(key: string, fields: string | string[]): Promise<unknown>;
  hGetAll(key: string): Promise<Record<string, string>>;
  pExpire(key: string, ms: number): Promise<unknown>;
}

export class RedisPresence implements PresenceRegistry {
  /** This node's peers, refreshed on every heartbeat. */
  private readonly local = new Map<string, { boardId: string; peer: Peer }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: PresenceRedis,
    private readonly prefix = "mb",
  ) {
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
  }

  private key(boardId: string): string {
    return `${this.prefix}:{${boardId}}:presence`;
  }

  private async write(boardId: string, peer: Peer): Promise<void> {
    const stored: StoredPeer = { ...peer, exp: Date.now() + PEER_TTL_MS };
    await this.redis.hSet(this.key(boardId), peer.sessionId, JSON.stringify(stored));
    await this.redis.pExpire(this.key(boardId), PEER_TTL_MS * 2);
  }

  private async list(boardId: string): Promise<Peer[]> {
    const all = await this.redis.hGetAll(this.key(boardId));
    const now = Date.now();
    const peers: Peer[] = [];
    const expired: string[] = [];
    for (const [sessionId, json] of Object.entries(all)) {
      const { exp, ...peer } = JSON.parse(json) as StoredPeer;
      if (exp > now) peers.push(peer);
      else expired.push(sessionId);
    }
    if (expired.length) await this.redis.hDel(this.key(boardId), expired);
    return peers;
  }

  async upsert(boardId: string, peer: Peer): Promise<Peer[]> {
    this.local.set(peer.sessionId, { boardId, peer });
    await this.write(boardId, peer);
    return this.list(boardId);
  }

  async remove(boardId: string, sessionId: string): Promise<Peer[]> {
    this.local.delete(sessionId);
    await this.redis.hDel(this.key(boardId), sessionId);
    return this.list(boardId);
  }

  private async heartbeat(): Promise<void> {
    await Promise.all([...this.local.values()].map(({ boardId, peer }) => this.write(boardId, peer)));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // A draining node takes its peers with it.
    await Promise.all([...this.local.values()].map(({ boardId, peer }) => this.redis.hDel(this.key(boardId), peer.sessionId))).catch(() => undefined);
    this.local.clear();
  }
}

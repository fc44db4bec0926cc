/**
 * Who is on which board. The in-memory registry serves a single node; cluster
 * mode swaps in a Redis-backed one with the same interface.
 *
 * Writes never read the board's list back: members learn about changes from
 * coalesced deltas (presence-feed.ts), and only a joining session reads the
 * whole list, once (`snapshot`).
 */
import type { Peer } from "../../shared/protocol.js";

/** Changes nobody on this node asked for, which the board must still hear about. */
export interface PresenceWatcher {
  /** Peers that vanished without a remove (their node died or lost Redis); each reported once, cluster-wide. */
  expired(boardId: string, sessionIds: string[]): void;
  /** This node's peers written back after they had been reported expired (the node stalled, or Redis lost them). */
  restored(boardId: string, peers: Peer[]): void;
}

export interface PresenceRegistry {
  /** Adds or replaces a peer (join, rename). */
  upsert(boardId: string, peer: Peer): Promise<void>;
  /** Removes a peer (leave). */
  remove(boardId: string, sessionId: string): Promise<void>;
  /** The board's peers on every node, read after every write that completed before the call. */
  snapshot(boardId: string): Promise<Peer[]>;
  /** Registers the node's watcher (at most one). */
  watch(watcher: PresenceWatcher): void;
  close(): Promise<void>;
}

export class MemoryPresence implements PresenceRegistry {
  private readonly boards = new Map<string, Map<string, Peer>>();

  async upsert(boardId: string, peer: Peer): Promise<void> {
    let peers = this.boards.get(boardId);
    if (!peers) this.boards.set(boardId, (peers = new Map<string, Peer>()));
    peers.set(peer.sessionId, peer);
  }

  async remove(boardId: string, sessionId: string): Promise<void> {
    const peers = this.boards.get(boardId);
    if (!peers) return;
    peers.delete(sessionId);
    if (peers.size === 0) this.boards.delete(boardId);
  }

  async snapshot(boardId: string): Promise<Peer[]> {
    return [...(this.boards.get(boardId)?.values() ?? [])];
  }

  /** A single node's peers only leave by `remove`: nothing expires. */
  watch(): void {}

  async close(): Promise<void> {
    this.boards.clear();
  }
}

/** A stable, pleasant colour for a peer, derived from its client id. */
export function peerColor(clientId: string): string {
  const palette = ["#e03131", "#2f9e44", "#1971c2", "#f08c00", "#9c36b5", "#0c8599", "#c2255c", "#5c940d"];
  let h = 0;
  for (let i = 0; i < clientId.length; i++) h = (h * 31 + clientId.charCodeAt(i)) >>> 0;
  return palette[h % palette.length];
}

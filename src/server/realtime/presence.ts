/**
 * Who is on which board. The in-memory registry serves a single node; cluster
 * mode swaps in a Redis-backed one with the same interface.
 */
import type { Peer } from "../../shared/protocol.js";

export interface PresenceRegistry {
  /** Adds or replaces a peer; returns the board's peers afterwards. */
  upsert(boardId: string, peer: Peer): Promise<Peer[]>;
  /** Removes a peer; returns the board's peers afterwards. */
  remove(boardId: string, sessionId: string): Promise<Peer[]>;
  close(): Promise<void>;
}

export class MemoryPresence implements PresenceRegistry {
  private readonly boards = new Map<string, Map<string, Peer>>();

  async upsert(boardId: string, peer: Peer): Promise<Peer[]> {
    let peers = this.boards.get(boardId);
    if (!peers) this.boards.set(boardId, (peers = new Map()));
    peers.set(peer.sessionId, peer);
    return [...peers.values()];
  }

  async remove(boardId: string, sessionId: string): Promise<Peer[]> {
    const peers = this.boards.get(boardId);
    if (!peers) return [];
    peers.delete(sessionId);
    if (peers.size === 0) this.boards.delete(boardId);
    return [...peers.values()];
  }

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

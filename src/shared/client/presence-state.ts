/**
 * The board's peer list as a client knows it: the snapshot a session receives
 * when it joins (`presence`), then the deltas everyone receives (`presenceDelta`).
 *
 * Deltas are idempotent (joined: upsert by sessionId; left of an unknown session:
 * nothing), so one that repeats what the snapshot already shows is harmless. A
 * delta that arrives before the snapshot (the session joins the board's room
 * before it reads the list) is held and applied after it, in arrival order: it
 * can only be as new as the snapshot or newer.
 *
 * No DOM: the browser's BoardSession and the Node test client both use it.
 */
import type { Peer, PresenceDelta } from "../protocol.js";

/** Deltas held while waiting for a snapshot, at most (a snapshot always follows within a join; this is a bound, not a budget). */
const MAX_EARLY_DELTAS = 1_000;

export class PresenceState {
  /** In the snapshot's order; new sessions at the end, renames in place. */
  private readonly peers = new Map<string, Peer>();
  private synced = false;
  private early: PresenceDelta[] = [];

  /** True once the current connection's snapshot has arrived. */
  get hasSnapshot(): boolean {
    return this.synced;
  }

  get size(): number {
    return this.peers.size;
  }

  list(): Peer[] {
    return [...this.peers.values()];
  }

  get(sessionId: string): Peer | undefined {
    return this.peers.get(sessionId);
  }

  /** The whole list: replaces what we had, then applies the deltas that came first. */
  snapshot(peers: readonly Peer[]): void {
    this.peers.clear();
    for (const p of peers) this.peers.set(p.sessionId, p);
    this.synced = true;
    const early = this.early;
    this.early = [];
    for (const d of early) this.apply(d);
  }

  /** Returns true when the list changed (false: held until the snapshot, or nothing new). */
  delta(d: PresenceDelta): boolean {
    if (!this.synced) {
      if (this.early.length < MAX_EARLY_DELTAS) this.early.push(d);
      return false;
    }
    return this.apply(d);
  }

  /**
   * The connection dropped: what we show stays until the next snapshot replaces
   * it, and deltas wait for that snapshot again.
   */
  disconnected(): void {
    this.synced = false;
    this.early = [];
  }

  private apply({ joined, left }: PresenceDelta): boolean {
    let changed = false;
    for (const id of left) changed = this.peers.delete(id) || changed;
    for (const p of joined) {
      const had = this.peers.get(p.sessionId);
      if (had && samePeer(had, p)) continue;
      this.peers.set(p.sessionId, p);
      changed = true;
    }
    return changed;
  }
}

function samePeer(a: Peer, b: Peer): boolean {
  return a.name === b.name && a.color === b.color && a.node === b.node && a.readOnly === b.readOnly && a.clientId === b.clientId;
}

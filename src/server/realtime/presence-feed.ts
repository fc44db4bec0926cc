/**
 * Presence as deltas. Sending every member the board's whole peer list on every
 * join made presence O(N^2) per board (1,000 people joining one board sent ~40 GB).
 * Now a joining session reads the list once (`presence`, to itself only) and
 * everyone else hears what changed (`presenceDelta`), coalesced per board over
 * PRESENCE_FLUSH_MS: a member receives at most one delta per node per window,
 * whatever the number of joins in it.
 *
 * Like the draft batcher (draft-batcher.ts), one timer serves every board of the
 * node: all boards flush together.
 */
import type { Peer, PresenceDelta } from "../../shared/protocol.js";
import type { PresenceRegistry } from "./presence.js";
import { boardRoom, type MeshServer } from "./types.js";
import { FlushTimer, type TimerHooks } from "./flush-timer.js";

/** How long a presence change may wait for others of its board. People joining do not notice 200 ms. */
export const PRESENCE_FLUSH_MS = 200;

export interface PresenceFlush {
  boardId: string;
  delta: PresenceDelta;
}

export interface PresenceCoalescerOptions extends TimerHooks {
  flushMs: number;
  deliver(flush: PresenceFlush): void;
}

/**
 * Per board and session, the last change wins: a rename after a join sends the
 * renamed peer once; a leave after a join sends only the leave. That leave is
 * kept on purpose (rather than netting the pair out to nothing): a session that
 * read its snapshot between the two may list the peer, and a `left` of a session
 * a client never saw costs it nothing.
 */
export class PresenceCoalescer {
  /** boardId → sessionId → the peer as it is now, or null: gone. */
  private readonly boards = new Map<string, Map<string, Peer | null>>();
  private readonly timer: FlushTimer;

  constructor(private readonly options: PresenceCoalescerOptions) {
    this.timer = new FlushTimer(options);
  }

  /** Boards with changes waiting. */
  get pendingBoards(): number {
    return this.boards.size;
  }

  /** A session joined, or changed its name. */
  joined(boardId: string, peer: Peer): void {
    this.change(boardId, peer.sessionId, peer);
  }

  left(boardId: string, sessionId: string): void {
    this.change(boardId, sessionId, null);
  }

  private change(boardId: string, sessionId: string, now: Peer | null): void {
    let pending = this.boards.get(boardId);
    if (!pending) {
      pending = new Map();
      this.boards.set(boardId, pending);
      this.timer.arm(() => this.options.flushMs, () => this.flushAll());
    }
    // Deleting first moves the session to the end: the delta lists changes in the order of their last change.
    pending.delete(sessionId);
    pending.set(sessionId, now);
  }

  /** Delivers every board's waiting changes now (the timer does; so does a drain). */
  flushAll(): void {
    this.timer.disarm();
    const boards = [...this.boards];
    this.boards.clear();
    for (const [boardId, sessions] of boards) {
      const delta: PresenceDelta = { joined: [], left: [] };
      for (const [sessionId, peer] of sessions) {
        if (peer) delta.joined.push(peer);
        else delta.left.push(sessionId);
      }
      this.options.deliver({ boardId, delta });
    }
  }
}

/** To the board's room on every node (through the adapter); not volatile: a member that misses one keeps a wrong list. */
export function deliverPresence(io: MeshServer, { boardId, delta }: PresenceFlush): void {
  io.to(boardRoom(boardId)).emit("presenceDelta", delta);
}

/**
 * The node's presence: registry writes first, then the delta. In that order, a
 * session that joins the room and then reads its snapshot either finds a change
 * in the snapshot or receives its delta (possibly both: deltas are idempotent).
 */
export class PresenceFeed {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** This node's sessions that were written and not removed yet: sessionId → boardId. */
  private readonly members = new Map<string, string>();

  constructor(
    private readonly registry: PresenceRegistry,
    private readonly coalescer: PresenceCoalescer,
  ) {
    registry.watch({
      expired: (boardId, sessionIds) => {
        for (const id of sessionIds) coalescer.left(boardId, id);
      },
      restored: (boardId, peers) => {
        for (const p of peers) coalescer.joined(boardId, p);
      },
    });
  }

  /**
   * Records a join or rename, then announces it, unless the session ended in the
   * meantime (`live()` false): its leave is on its way and must stay the last word.
   * Announced even if the registry refused the write (a full store): the people on
   * the board still see who came, and the promise still rejects for the caller.
   */
  upsert(boardId: string, peer: Peer, live: () => boolean): Promise<void> {
    this.members.set(peer.sessionId, boardId);
    const announce = () => {
      if (live()) this.coalescer.joined(boardId, peer);
    };
    return this.track(
      this.registry.upsert(boardId, peer).then(announce, (err: unknown) => {
        announce();
        throw err;
      }),
    );
  }

  /** Records a leave and announces it, even if the registry failed (its entry then expires). */
  remove(boardId: string, sessionId: string): Promise<void> {
    this.members.delete(sessionId);
    return this.track(this.registry.remove(boardId, sessionId).finally(() => this.coalescer.left(boardId, sessionId)));
  }

  /** The board's whole list, for a joining session. */
  snapshot(boardId: string): Promise<Peer[]> {
    return this.registry.snapshot(boardId);
  }

  /**
   * A draining node: removes its sessions that are still listed (their sockets are
   * closing; their own leaves may come too late, and a repeated `left` is harmless),
   * waits for the writes in flight, then sends every pending delta, before the
   * adapter closes.
   */
  async settle(): Promise<void> {
    for (const [sessionId, boardId] of [...this.members]) void this.remove(boardId, sessionId).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.coalescer.flushAll();
  }

  private track(p: Promise<void>): Promise<void> {
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }
}

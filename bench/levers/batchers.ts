/**
 * The lever lab's alternatives to meshboard's draft path, for measuring what
 * meshboard chose against what it did not (bench/levers/server.ts):
 *
 * - FixedWindowBatcher: a board's drafts leave `flushMs` after its first one,
 *   with no ink clock (clients that send whenever they like);
 * - deliverPerDraft: each (merged) draft of a flush as its own `draft` event to
 *   everyone but its sender, instead of one `drafts` batch per flush.
 *
 * Both reuse meshboard's own pieces (the per-board merging and the node's one
 * flush timer), so only the lever differs.
 */
import { BoardDrafts, type DraftFlush } from "../../src/server/realtime/draft-batcher.js";
import { FlushTimer } from "../../src/server/realtime/flush-timer.js";
import { CONGESTED_ROOM } from "../../src/server/realtime/slow-clients.js";
import { boardRoom, type BoardFanout, type MeshSocket } from "../../src/server/realtime/types.js";
import type { PeerDraft } from "../../src/shared/protocol.js";

export class FixedWindowBatcher<S> {
  private readonly waiting = new BoardDrafts<S>();
  private readonly timer: FlushTimer;

  constructor(private readonly options: { flushMs: number; deliver(flush: DraftFlush<S>): void }) {
    this.timer = new FlushTimer({});
  }

  add(boardId: string, draft: PeerDraft, sender: S): void {
    this.timer.arm(() => this.options.flushMs, () => this.flushAll());
    this.waiting.add(boardId, draft, sender);
  }

  flushAll(): void {
    this.timer.disarm();
    for (const [boardId, { drafts, senders }] of this.waiting.takeAll()) this.options.deliver({ boardId, drafts, senders });
  }
}

/** Each draft to the board but its sender and congested clients, as plain `draft`. */
export function deliverPerDraft(fanout: BoardFanout, { boardId, drafts, senders }: DraftFlush<MeshSocket>): void {
  const room = boardRoom(boardId);
  for (const d of drafts) {
    const sender = senders.get(d.sessionId);
    fanout.to(room).except(sender ? [CONGESTED_ROOM, sender.id] : CONGESTED_ROOM).emit("draft", d);
  }
}

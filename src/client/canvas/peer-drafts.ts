/**
 * Other people's strokes while they are still drawing them, keyed by session and
 * item id, until the item's `add` arrives (or the draft goes stale).
 */
import type { PeerDraft } from "../../shared/protocol.js";
import { drawInk } from "./stroke-path.js";

/** A draft that has not grown for this long was abandoned (tab closed mid-stroke, lost packets). */
export const DRAFT_STALE_MS = 10_000;

interface LiveDraft {
  sessionId: string;
  itemId: string;
  color: string;
  width: number;
  points: number[];
  updatedAt: number;
}

export class PeerDrafts {
  private readonly drafts = new Map<string, LiveDraft>();

  get size(): number {
    return this.drafts.size;
  }

  /** Merges a batch at its `from` index (batches are volatile, so one may be missing). */
  accept(d: PeerDraft, now = Date.now()): void {
    const key = `${d.sessionId}:${d.itemId}`;
    let draft = this.drafts.get(key);
    if (!draft) {
      draft = { sessionId: d.sessionId, itemId: d.itemId, color: d.color, width: d.width, points: [], updatedAt: now };
      this.drafts.set(key, draft);
    }
    const at = d.from * 2;
    // A lost batch leaves a gap: the line jumps straight across it rather than stopping.
    if (at <= draft.points.length) draft.points.length = at;
    for (const v of d.points) draft.points.push(v);
    draft.updatedAt = now;
  }

  /** The item was committed: its durable copy replaces the draft. */
  dropItem(itemId: string): boolean {
    let dropped = false;
    for (const [key, d] of this.drafts) {
      if (d.itemId === itemId) {
        this.drafts.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }

  /** Keeps only drafts of sessions still on the board. */
  retainSessions(sessionIds: ReadonlySet<string>): boolean {
    let dropped = false;
    for (const [key, d] of this.drafts) {
      if (!sessionIds.has(d.sessionId)) {
        this.drafts.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }

  pruneStale(now = Date.now()): boolean {
    let dropped = false;
    for (const [key, d] of this.drafts) {
      if (now - d.updatedAt > DRAFT_STALE_MS) {
        this.drafts.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }

  draw(ctx: CanvasRenderingContext2D): void {
    for (const d of this.drafts.values()) drawInk(ctx, d.points, d.color, d.width);
  }
}

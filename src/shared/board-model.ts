/**
 * The board as the ordered fold of its sequenced operations. Used by the client
 * to render and by the server and tests to reason about a board's content.
 */
import type { BoardOp, Item, SequencedOp } from "./protocol.js";

export interface BoardItem {
  item: Item;
  author: string;
  /** seq of the `add` that created it. */
  seq: number;
  visible: boolean;
}

export class BoardModel {
  /** Items in creation (seq) order; Map keeps insertion order. */
  readonly items = new Map<string, BoardItem>();
  /** Highest seq applied; ops are applied strictly in order. */
  head = 0;

  /**
   * Applies one sequenced op. Returns false when it is not the next one
   * (the caller keeps it until the gap is filled).
   */
  apply(s: SequencedOp): boolean {
    if (s.seq !== this.head + 1) return false;
    this.head = s.seq;
    applyOp(this.items, s.op, s.author, s.seq);
    return true;
  }

  visibleItems(): Item[] {
    const out: Item[] = [];
    for (const b of this.items.values()) if (b.visible) out.push(b.item);
    return out;
  }

  visibleIds(): string[] {
    const out: string[] = [];
    for (const [id, b] of this.items) if (b.visible) out.push(id);
    return out;
  }
}

/** The effect of one operation on an item map (pure apart from the map). */
export function applyOp(items: Map<string, BoardItem>, op: BoardOp, author: string, seq: number): void {
  switch (op.type) {
    case "add":
      // An id that already exists keeps its first item: ids are unique per board.
      if (!items.has(op.item.id)) items.set(op.item.id, { item: op.item, author, seq, visible: true });
      return;
    case "remove":
    case "restore":
      for (const id of op.itemIds) {
        const b = items.get(id);
        if (b) b.visible = op.type === "restore";
      }
      return;
    case "clear":
      for (const b of items.values()) b.visible = false;
      return;
  }
}

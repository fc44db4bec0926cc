/**
 * The board as the ordered fold of its sequenced operations. Used by the client
 * to render and by the server and tests to reason about a board's content.
 */
import { coordinateExtent, movedExtent, translateItem } from "./item-layout.js";
import { restyleItem } from "./item-style.js";
import { scaleItem, withGeometry } from "./item-transform.js";
import { applyOrderChange, inPaintOrder } from "./paint-order.js";
import type { BoardOp, Item, SequencedOp, SnapshotItem } from "./protocol.js";

export interface BoardItem {
  item: Item;
  author: string;
  /** seq of the `add` that created it. */
  seq: number;
  visible: boolean;
  /** Place in the paint order when an `order` op gave it one (see paint-order.ts). */
  z?: number;
}

/** A snapshot's item as the board holds it. */
export function fromSnapshotItem(s: SnapshotItem): BoardItem {
  const b: BoardItem = { item: s.item, author: s.author, seq: s.seq, visible: s.visible };
  if (s.z !== undefined) b.z = s.z;
  return b;
}

/** A board item as a snapshot holds it (z only when it has one). */
export function toSnapshotItem(b: BoardItem): SnapshotItem {
  const s: SnapshotItem = { item: b.item, author: b.author, seq: b.seq, visible: b.visible };
  if (b.z !== undefined) s.z = b.z;
  return s;
}

export class BoardModel {
  /** Items in creation (seq) order; Map keeps insertion order (paint order: `inPaintOrder`). */
  readonly items = new Map<string, BoardItem>();
  /** Highest seq applied; ops are applied strictly in order. */
  head = 0;
  /** opId of the op at `head`: with it a reconnecting client proves which history it holds. */
  headOpId: string | undefined;

  /**
   * Applies one sequenced op. Returns false when it is not the next one
   * (the caller keeps it until the gap is filled).
   */
  apply(s: SequencedOp): boolean {
    if (s.seq !== this.head + 1) return false;
    this.head = s.seq;
    this.headOpId = s.op.opId;
    applyOp(this.items, s.op, s.author, s.seq);
    return true;
  }

  /** Replaces the board with a snapshot's items, at its seq (compacted boards). */
  load(seq: number, opId: string | undefined, items: Iterable<SnapshotItem>): void {
    this.items.clear();
    for (const s of items) this.items.set(s.item.id, fromSnapshotItem(s));
    this.head = seq;
    this.headOpId = opId;
  }

  /** Visible items in paint order. */
  visibleItems(): Item[] {
    const out: Item[] = [];
    for (const b of inPaintOrder(this.items.values())) if (b.visible) out.push(b.item);
    return out;
  }

  visibleIds(): string[] {
    const out: string[] = [];
    for (const [id, b] of this.items) if (b.visible) out.push(id);
    return out;
  }
}

/**
 * The effect of one operation on an item map (pure apart from the map). Items are
 * never mutated: a move or an edit replaces the entry's item with a new object, so
 * a copy of the map (the client's optimistic overlay) never changes the original,
 * and caches keyed by item stay right.
 */
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
    case "move": {
      // Hidden items move too, so undoing their removal brings them back where the board says.
      if (op.dx === 0 && op.dy === 0) return;
      const moving: BoardItem[] = [];
      for (const id of new Set(op.itemIds)) {
        const b = items.get(id);
        if (!b) continue;
        // A move that would take any of its items past ±LIMITS.maxCoordinate moves
        // none of them: every replica folds it the same way, whatever the server
        // knew when it accepted the move (servers refuse such moves: out_of_range).
        if (!movedExtent(coordinateExtent(b.item), op.dx, op.dy)) return;
        moving.push(b);
      }
      for (const b of moving) b.item = translateItem(b.item, op.dx, op.dy);
      return;
    }
    case "edit": {
      // Only texts have text; an edit naming anything else changes nothing.
      const b = items.get(op.itemId);
      if (b && b.item.kind === "text") b.item = { ...b.item, text: op.text };
      return;
    }
    case "style":
      // Hidden items too, like a move: undoing their removal shows them as the board says.
      for (const change of op.changes) {
        const b = items.get(change.itemId);
        if (b) b.item = restyleItem(b.item, change);
      }
      return;
    // --- Resizing (issue 13): all or none, like a move; hidden items too.
    case "transform": {
      const scaled: [BoardItem, Item][] = [];
      for (const id of new Set(op.itemIds)) {
        const b = items.get(id);
        if (!b) continue;
        const next = scaleItem(b.item, op);
        if (!next) return;
        scaled.push([b, next]);
      }
      for (const [b, next] of scaled) b.item = next;
      return;
    }
    case "reshape":
      for (const g of op.items) {
        const b = items.get(g.itemId);
        if (b) b.item = withGeometry(b.item, g);
      }
      return;
    // --- end of resizing
    // --- Paint order (issue 13)
    case "order":
      // Hidden items too: undoing their removal shows them where the board says.
      for (const change of op.changes) {
        const b = items.get(change.itemId);
        if (b) applyOrderChange(b, change);
      }
      return;
    // --- end of paint order
  }
}

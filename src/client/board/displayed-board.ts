/**
 * What the person sees: the confirmed board with this browser's pending ops
 * applied on top (optimistic rendering). Recomputed lazily after a change.
 */
import { applyOp, type BoardItem, type BoardModel } from "../../shared/board-model.js";
import type { BoardOp, Item } from "../../shared/protocol.js";

export class DisplayedBoard {
  private cache: Item[] | null = null;
  private visible: Set<string> | null = null;
  private byId: Map<string, Item> | null = null;

  constructor(
    private readonly confirmed: () => BoardModel,
    private readonly pending: () => readonly BoardOp[],
  ) {}

  /** Call after the confirmed board or the pending list changed. */
  invalidate(): void {
    this.cache = null;
    this.visible = null;
    this.byId = null;
  }

  /** Visible items in paint order (oldest first; pending adds last). */
  items(): readonly Item[] {
    if (this.cache) return this.cache;
    const model = this.confirmed();
    const pending = this.pending();
    let source: Iterable<BoardItem> = model.items.values();
    if (pending.length) {
      const overlay = new Map<string, BoardItem>();
      for (const [id, b] of model.items) overlay.set(id, { ...b });
      for (const op of pending) applyOp(overlay, op, "", Number.MAX_SAFE_INTEGER);
      source = overlay.values();
    }
    const out: Item[] = [];
    for (const b of source) if (b.visible) out.push(b.item);
    this.cache = out;
    return out;
  }

  isVisible(id: string): boolean {
    if (!this.visible) this.visible = new Set(this.items().map((i) => i.id));
    return this.visible.has(id);
  }

  /** A visible item by id. */
  item(id: string): Item | undefined {
    if (!this.byId) this.byId = new Map(this.items().map((i) => [i.id, i]));
    return this.byId.get(id);
  }

  get count(): number {
    return this.items().length;
  }
}

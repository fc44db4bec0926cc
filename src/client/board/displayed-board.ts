/**
 * What the person sees: the confirmed board with this browser's pending ops
 * applied on top (optimistic rendering). Recomputed lazily after a change.
 */
import { applyOp, type BoardItem, type BoardModel } from "../../shared/board-model.js";
import { inPaintOrder, paintKey } from "../../shared/paint-order.js";
import type { BoardOp, Item } from "../../shared/protocol.js";

/** The seq a pending add has until the server gives it one: above every confirmed item. */
const PENDING_SEQ = Number.MAX_SAFE_INTEGER;

export class DisplayedBoard {
  private entries: Map<string, BoardItem> | null = null;
  private cache: Item[] | null = null;
  private visible: Set<string> | null = null;
  private byId: Map<string, Item> | null = null;

  constructor(
    private readonly confirmed: () => BoardModel,
    private readonly pending: () => readonly BoardOp[],
  ) {}

  /** Call after the confirmed board or the pending list changed. */
  invalidate(): void {
    this.entries = null;
    this.cache = null;
    this.visible = null;
    this.byId = null;
  }

  /** Every item (hidden ones too) with the pending ops applied, in creation order. */
  private all(): Map<string, BoardItem> {
    if (this.entries) return this.entries;
    const model = this.confirmed();
    const pending = this.pending();
    let entries = model.items;
    if (pending.length) {
      entries = new Map<string, BoardItem>();
      for (const [id, b] of model.items) entries.set(id, { ...b });
      for (const op of pending) applyOp(entries, op, "", PENDING_SEQ);
    }
    this.entries = entries;
    return entries;
  }

  /** Visible items in paint order (oldest first unless reordered; pending adds last). */
  items(): readonly Item[] {
    if (this.cache) return this.cache;
    const out: Item[] = [];
    for (const b of inPaintOrder(this.all().values())) if (b.visible) out.push(b.item);
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

  // --- Paint order (issue 13)
  /** An item's z as the board holds it (null: none, it paints in creation order). */
  zOf(id: string): number | null {
    return this.all().get(id)?.z ?? null;
  }

  /**
   * The z just in front of everything (including what this browser has sent but
   * not yet had confirmed, and the items that those ops will add) and just behind
   * everything.
   */
  orderLimits(): { front: number; back: number } {
    let top = this.confirmed().head + this.pending().length;
    let bottom = Number.POSITIVE_INFINITY;
    for (const b of this.all().values()) {
      if (b.z === undefined && b.seq === PENDING_SEQ) continue;
      const key = paintKey(b);
      if (key > top) top = key;
      if (key < bottom) bottom = key;
    }
    return { front: top + 1, back: (Number.isFinite(bottom) ? bottom : 1) - 1 };
  }
  // --- end of paint order
}

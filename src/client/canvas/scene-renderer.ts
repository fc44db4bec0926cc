/**
 * Paints the displayed board's items onto the scene canvas. A change that only
 * appends items (the usual case: a new stroke) paints just the new ones; anything
 * else (erase, undo, move, edit, resize, pan, zoom) repaints what is in view.
 */
import type { Item } from "../../shared/protocol.js";
import { itemBounds } from "../board/item-geometry.js";
import type { CanvasLayer } from "./canvas-layer.js";
import { paintItem } from "./item-painters.js";
import { intersects, type Viewport } from "./viewport.js";

export class SceneRenderer {
  private painted: readonly Item[] = [];
  private stale = true;

  constructor(
    private readonly layer: CanvasLayer,
    private readonly viewport: Viewport,
    private readonly source: () => readonly Item[],
  ) {}

  /** Forces a full repaint (the view or the canvas changed). */
  invalidateView(): void {
    this.stale = true;
  }

  render(): void {
    const items = this.source();
    if (!this.stale && items === this.painted) return;
    const ctx = this.layer.ctx;
    let from = 0;
    if (this.stale || !isPrefixOf(this.painted, items)) {
      this.layer.clear();
    } else {
      from = this.painted.length;
    }
    this.layer.enterBoardSpace(this.viewport);
    const view = this.viewport.visibleRect(this.layer.width, this.layer.height);
    for (let i = from; i < items.length; i++) {
      if (intersects(itemBounds(items[i]), view)) paintItem(ctx, items[i]);
    }
    this.painted = items;
    this.stale = false;
  }
}

/** Is `prev` the start of `next` (same items, same order), so only new items need painting? */
function isPrefixOf(prev: readonly Item[], next: readonly Item[]): boolean {
  if (next.length < prev.length) return false;
  for (let i = 0; i < prev.length; i++) if (!sameItem(prev[i], next[i])) return false;
  return true;
}

/**
 * Items are immutable, so the same object is the same picture. A different object
 * with the same id is either a moved or edited item (repaint) or the server's copy
 * of one of our pending items, confirmed (identical: no repaint). Only the second
 * case reaches the comparison of content, once per confirmed item.
 */
function sameItem(a: Item, b: Item): boolean {
  return a === b || (a.id === b.id && JSON.stringify(a) === JSON.stringify(b));
}

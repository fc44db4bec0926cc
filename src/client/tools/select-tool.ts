/**
 * Select: click an item (Shift-click adds or removes it) or drag a box around
 * items, anyone's; drag the selection to move it; Delete removes it, Ctrl+D
 * duplicates it; double-click a text to edit it; drag a handle to resize it
 * (Shift keeps proportions). A move is one `move` op, a resize one `transform`,
 * a duplicate one `add` per copy: all sync like any edit and undo as one step.
 */
import { LIMITS } from "../../shared/protocol-constants.js";
import type { Item, StyleChange } from "../../shared/protocol.js";
import { restyleDelta } from "../../shared/item-style.js";
import { translateItem } from "../../shared/item-layout.js";
import { scaleItems, type Scale } from "../../shared/item-transform.js";
import { itemBounds, itemsInside, topmostHit, unionBounds } from "../board/item-geometry.js";
import { HANDLE_PX, grabbedHandle, handleCursor, handlePoint, handlesFor, keepsProportions, resizeBox, scaleForDrag, type Handle } from "./resize-handles.js";
import { paintItem } from "../canvas/item-painters.js";
import type { Point, Rect } from "../canvas/viewport.js";
import { randomId } from "../../shared/ids.js";
import type { Tool, ToolHost } from "./tool.js";

/** Hit tolerance in screen pixels. */
const HIT_PX = 6;
const DOUBLE_CLICK_MS = 400;
/** Where a duplicate lands relative to its original (board pixels). */
const DUPLICATE_OFFSET = 24;
const SELECTION_COLOR = "#4c4ce0";

type Drag =
  | { kind: "move"; from: Point; to: Point }
  | { kind: "box"; from: Point; to: Point; additive: boolean }
  /** Resizing by a handle: `scale` is the latest one that keeps every item within the limits. */
  | { kind: "resize"; from: Point; to: Point; handle: Handle; box: Rect; scale: Scale };

export class SelectTool implements Tool {
  readonly id = "select" as const;
  readonly cursor = "default";
  readonly edits = true;
  private selected = new Set<string>();
  private drag: Drag | null = null;
  private lastClick: { itemId: string; at: number } | null = null;

  constructor(private readonly host: ToolHost) {}

  /** Selected items still on the board, in paint order. */
  selection(): Item[] {
    return this.host.board.items().filter((i) => this.selected.has(i.id));
  }

  down(p: Point): void {
    const selection = this.selection();
    const handle = grabbedHandle(selection, p, this.host.viewport.zoom);
    const box = handle && resizeBox(selection);
    if (handle && box) {
      this.drag = { kind: "resize", from: p, to: p, handle, box, scale: { sx: 1, sy: 1, ox: box.minX, oy: box.minY } };
      this.host.requestFrame();
      return;
    }
    const r = HIT_PX / this.host.viewport.zoom;
    const hit = topmostHit(this.host.board.items(), p.x, p.y, r);
    const shift = this.host.modifiers.shift;
    if (!hit) {
      if (!shift) this.select([]);
      this.drag = { kind: "box", from: p, to: p, additive: shift };
      this.host.requestFrame();
      return;
    }
    const now = Date.now();
    const double = this.lastClick?.itemId === hit.id && now - this.lastClick.at < DOUBLE_CLICK_MS;
    this.lastClick = { itemId: hit.id, at: now };
    if (double && hit.kind === "text") {
      this.select([]);
      this.host.editText(hit);
      return;
    }
    if (shift) {
      const next = new Set(this.selected);
      if (next.has(hit.id)) next.delete(hit.id);
      else next.add(hit.id);
      this.select([...next]);
      if (!next.has(hit.id)) return;
    } else if (!this.selected.has(hit.id)) {
      this.select([hit.id]);
    }
    this.drag = { kind: "move", from: p, to: p };
    this.host.requestFrame();
  }

  move(points: readonly Point[]): void {
    const p = points[points.length - 1];
    if (!this.drag || !p) return;
    this.drag.to = p;
    if (this.drag.kind === "move") {
      this.host.hideItems(this.selected);
      const itemIds = this.selection().map((i) => i.id);
      if (itemIds.length > 0) this.host.sendPreview({ kind: "move", itemIds, dx: round(p.x - this.drag.from.x), dy: round(p.y - this.drag.from.y) });
    } else if (this.drag.kind === "resize") {
      this.resizeTo(this.drag, p);
    }
    this.host.requestFrame();
  }

  /** Follows the pointer with the handle; others see the resize as it happens. */
  private resizeTo(drag: Extract<Drag, { kind: "resize" }>, p: Point): void {
    const items = this.selection();
    if (!this.followHandle(drag, items, p)) return;
    this.host.hideItems(this.selected);
    if (items.length > 0) this.host.sendPreview({ kind: "transform", itemIds: items.map((i) => i.id), ...drag.scale });
  }

  /** Sets the drag's scale for the pointer at `p`; false when that scale would take an item past the limits (the last one that fits stays). */
  private followHandle(drag: Extract<Drag, { kind: "resize" }>, items: readonly Item[], p: Point): boolean {
    const proportional = this.host.modifiers.shift || keepsProportions(items, drag.handle);
    const scale = scaleForDrag(drag.box, drag.handle, p.x - drag.from.x, p.y - drag.from.y, proportional, 1 / this.host.viewport.zoom);
    if (!scaleItems(items, scale)) return false;
    drag.scale = scale;
    return true;
  }

  up(p: Point): void {
    const drag = this.drag;
    if (!drag) return;
    drag.to = p;
    this.drag = null;
    this.host.hideItems(null);
    if (drag.kind === "resize") {
      const items = this.selection();
      this.followHandle(drag, items, p);
      this.host.sendPreview({ kind: "clear", of: "transform" });
      const g = this.host.editor.gesture();
      g.transform(items, drag.scale);
      g.end();
    } else if (drag.kind === "box") {
      const inside = itemsInside(this.host.board.items(), boxOf(drag.from, drag.to)).map((i) => i.id);
      this.select(drag.additive ? [...this.selected, ...inside] : inside);
    } else {
      this.host.sendPreview({ kind: "clear", of: "move" });
      const dx = round(drag.to.x - drag.from.x);
      const dy = round(drag.to.y - drag.from.y);
      if (dx !== 0 || dy !== 0) {
        const g = this.host.editor.gesture();
        g.move(this.selection().map((i) => i.id), dx, dy);
        g.end();
      }
    }
    this.host.requestFrame();
  }

  cancel(): void {
    if (this.drag) this.up(this.drag.to);
  }

  abandon(): void {
    if (this.drag?.kind === "move") this.host.sendPreview({ kind: "clear", of: "move" });
    if (this.drag?.kind === "resize") this.host.sendPreview({ kind: "clear", of: "transform" });
    this.drag = null;
    this.host.hideItems(null);
    this.host.requestFrame();
  }

  /** Over a handle, the pointer shows which way it resizes. */
  hover(p: Point | null): void {
    const h = p && grabbedHandle(this.selection(), p, this.host.viewport.zoom);
    this.host.pointerCursor(h ? handleCursor(h) : null);
  }

  deactivate(): void {
    this.host.pointerCursor(null);
    this.abandon();
    this.select([]);
  }

  select(ids: readonly string[]): void {
    const before = this.selected;
    this.selected = new Set(ids);
    if (before.size !== 0 || this.selected.size !== 0) this.announceSelection();
    this.host.requestFrame();
  }

  /** Others outline this selection in this person's colour. */
  private announceSelection(): void {
    const itemIds = [...this.selected].slice(0, LIMITS.maxTargetsPerOp);
    this.host.sendPreview(itemIds.length > 0 ? { kind: "selection", itemIds } : { kind: "clear", of: "selection" });
  }

  selectAll(): void {
    this.select(this.host.board.items().map((i) => i.id));
  }

  /** Removes the selection (one undo step). */
  deleteSelection(): void {
    const ids = this.selection().map((i) => i.id);
    if (ids.length === 0) return;
    const g = this.host.editor.gesture();
    g.remove(ids);
    g.end();
    this.select([]);
  }

  /** Arrow keys: moves the selection (one `move` op, one undo step). */
  nudge(dx: number, dy: number): void {
    const ids = this.selection().map((i) => i.id);
    if (ids.length === 0 || this.drag) return;
    const g = this.host.editor.gesture();
    g.move(ids, dx, dy);
    g.end();
  }

  /** Gives the whole selection a colour, width or fill (one op, one undo step); false with nothing selected. */
  restyleSelection(change: Omit<StyleChange, "itemId">): boolean {
    const items = this.selection();
    if (items.length === 0) return false;
    const after: StyleChange[] = [];
    const before: StyleChange[] = [];
    for (const item of items) {
      const d = restyleDelta(item, change);
      if (!d) continue;
      after.push(d.after);
      before.push(d.before);
    }
    const g = this.host.editor.gesture();
    g.restyle(after, before);
    g.end();
    return true;
  }

  /** Adds copies of the selection, a little down and right, and selects them (one undo step). */
  duplicateSelection(): void {
    const items = this.selection();
    if (items.length === 0) return;
    const g = this.host.editor.gesture();
    const copies = items.map((i) => ({ ...translateItem(i, DUPLICATE_OFFSET, DUPLICATE_OFFSET), id: randomId(16) }));
    for (const c of copies) g.add(c);
    g.end();
    this.select(copies.map((c) => c.id));
  }

  drawLive(ctx: CanvasRenderingContext2D): void {
    const zoom = this.host.viewport.zoom;
    const drag = this.drag;
    const selection = this.selection();
    const resized = drag?.kind === "resize" ? scaleItems(selection, drag.scale) : null;
    const items = resized ?? selection;
    const dx = drag?.kind === "move" ? drag.to.x - drag.from.x : 0;
    const dy = drag?.kind === "move" ? drag.to.y - drag.from.y : 0;
    if (resized) for (const item of resized) paintItem(ctx, item);
    if (dx !== 0 || dy !== 0) {
      ctx.save();
      ctx.translate(dx, dy);
      for (const item of items) paintItem(ctx, item);
      ctx.restore();
    }
    ctx.save();
    ctx.strokeStyle = SELECTION_COLOR;
    ctx.lineWidth = 1.5 / zoom;
    const pad = 4 / zoom;
    if (items.length > 1) {
      ctx.setLineDash([4 / zoom, 4 / zoom]);
      for (const item of items) strokeRect(ctx, shift(itemBounds(item), dx, dy), pad);
      ctx.setLineDash([]);
    }
    const all = unionBounds(items);
    if (all) strokeRect(ctx, shift(all, dx, dy), pad * 2);
    const box = resizeBox(items);
    if (box && drag?.kind !== "move" && drag?.kind !== "box") {
      const half = HANDLE_PX / zoom;
      ctx.fillStyle = "#ffffff";
      for (const h of handlesFor(items)) {
        const q = handlePoint(box, h);
        ctx.fillRect(q.x - half, q.y - half, 2 * half, 2 * half);
        ctx.strokeRect(q.x - half, q.y - half, 2 * half, 2 * half);
      }
    }
    if (drag?.kind === "box") {
      const b = boxOf(drag.from, drag.to);
      ctx.fillStyle = "rgba(76, 76, 224, 0.08)";
      ctx.fillRect(b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY);
      strokeRect(ctx, b, 0);
    }
    ctx.restore();
  }
}

function boxOf(a: Point, b: Point): Rect {
  return { minX: Math.min(a.x, b.x), minY: Math.min(a.y, b.y), maxX: Math.max(a.x, b.x), maxY: Math.max(a.y, b.y) };
}

function shift(r: Rect, dx: number, dy: number): Rect {
  return { minX: r.minX + dx, minY: r.minY + dy, maxX: r.maxX + dx, maxY: r.maxY + dy };
}

function strokeRect(ctx: CanvasRenderingContext2D, r: Rect, pad: number): void {
  ctx.strokeRect(r.minX - pad, r.minY - pad, r.maxX - r.minX + 2 * pad, r.maxY - r.minY + 2 * pad);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

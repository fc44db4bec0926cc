/**
 * Keeps moves and resizes within the board's coordinate range: a `move` or a
 * `transform` that would take any of its items past ±LIMITS.maxCoordinate is
 * refused (`out_of_range`) before it is stored. To know where items are, the node keeps, for the boards moved on
 * recently, each item's coordinate extent, folded from the log exactly as
 * BoardModel folds it and brought up to date from the log's tail before each
 * check. Other ops need no such check: `add` (and so paste and duplicate) is
 * checked by the schema, `edit` changes only a text's text, a `reshape` carries
 * coordinates the schema checked, and remove, restore and clear change no
 * coordinates. (A transform's font sizes and wrap widths are left to the fold,
 * which skips a transform taking any of them out of range, on every replica alike.)
 *
 * Two moves racing through two nodes could each pass the check; the fold then
 * skips whichever would leave the range (board-model.ts), on every replica alike.
 */
import { LIMITS, type BoardOp, type Geometry, type ProtocolError } from "../../shared/protocol.js";
import { coordinateExtent, movedExtent, type Rect } from "../../shared/item-layout.js";
import { scaledExtent } from "../../shared/item-transform.js";
import type { Page } from "./page-reader.js";
import type { StoredSnapshot } from "../store/board-store.js";
import { WorkSlice } from "./work-slices.js";

/** Boards whose item extents are kept (least recently moved on forgotten first). */
const BOARDS_KEPT = 16;

interface Extents {
  head: number;
  items: Map<string, Rect>;
  /** The fold under way (one per board at a time). */
  updating?: Promise<void>;
}

export type ReadPage = (boardId: string, since: number) => Promise<Page>;

export class MoveRange {
  private readonly boards = new Map<string, Extents>();

  constructor(
    private readonly read: ReadPage,
    /** A compacted board's snapshot (read answers `snapshot` for seqs folded into it). */
    private readonly snapshot: (boardId: string) => Promise<StoredSnapshot | null> = async () => null,
  ) {}

  /** Why `op` may not be stored, or null (only moves and transforms are judged here). */
  async refusal(boardId: string, op: BoardOp): Promise<ProtocolError | null> {
    const moved = extentChange(op);
    if (!moved || (op.type !== "move" && op.type !== "transform")) return null;
    const extents = await this.upToDate(boardId);
    for (const id of new Set(op.itemIds)) {
      const e = extents.items.get(id);
      if (e && !moved(e)) {
        return {
          code: "out_of_range",
          message: `this ${op.type} would take items past ±${LIMITS.maxCoordinate.toLocaleString("en")}, the edge of the board`,
          event: "op",
        };
      }
    }
    return null;
  }

  private async upToDate(boardId: string): Promise<Extents> {
    let extents = this.boards.get(boardId);
    if (extents) this.boards.delete(boardId);
    else {
      extents = { head: 0, items: new Map() };
      if (this.boards.size >= BOARDS_KEPT) this.boards.delete(this.boards.keys().next().value!);
    }
    this.boards.set(boardId, extents);
    // One fold at a time per board; a check arriving meanwhile waits for it and reads what followed.
    while (extents.updating) await extents.updating;
    const fold = this.fold(boardId, extents);
    extents.updating = fold;
    try {
      await fold;
    } finally {
      extents.updating = undefined;
    }
    return extents;
  }

  private async fold(boardId: string, extents: Extents): Promise<void> {
    const slice = new WorkSlice();
    for (;;) {
      const page = await this.read(boardId, extents.head);
      if (page.snapshot !== undefined) {
        const snap = await this.snapshot(boardId);
        if (!snap || snap.seq <= extents.head) return;
        extents.items = new Map(snap.items.map((s) => [s.item.id, coordinateExtent(s.item)]));
        extents.head = snap.seq;
        continue;
      }
      for (const s of page.ops) {
        if (s.seq !== extents.head + 1) continue;
        extents.head = s.seq;
        apply(extents.items, s.op);
        await slice.maybeYield();
      }
      if (!page.more || page.ops.length === 0) return;
    }
  }
}

/** How a move or a transform changes an extent (null: past the range), or null for ops that move nothing. */
function extentChange(op: BoardOp): ((e: Rect) => Rect | null) | null {
  if (op.type === "move") return op.dx === 0 && op.dy === 0 ? null : (e) => movedExtent(e, op.dx, op.dy);
  if (op.type === "transform") return (e) => scaledExtent(e, op);
  return null;
}

/** BoardModel's fold, on extents: adds set them, reshapes replace them, moves and transforms change them all or none. */
function apply(items: Map<string, Rect>, op: BoardOp): void {
  if (op.type === "add") {
    if (!items.has(op.item.id)) items.set(op.item.id, coordinateExtent(op.item));
    return;
  }
  if (op.type === "reshape") {
    for (const g of op.items) if (items.has(g.itemId)) items.set(g.itemId, geometryExtent(g));
    return;
  }
  const change = extentChange(op);
  if (!change || (op.type !== "move" && op.type !== "transform")) return;
  const moved = new Map<string, Rect>();
  for (const id of new Set(op.itemIds)) {
    const e = items.get(id);
    if (!e) continue;
    const m = change(e);
    if (!m) return;
    moved.set(id, m);
  }
  for (const [id, e] of moved) items.set(id, e);
}

/**
 * The extent of a reshape's geometry. (A reshape naming an item of another kind
 * changes nothing on the board, so the extent kept here is then wrong; clients
 * never send one, and the fold still skips any move it would let past the range.)
 */
function geometryExtent(g: Geometry): Rect {
  if ("points" in g) return coordinateExtent({ kind: "stroke", id: g.itemId, color: "#000000", width: 1, points: g.points });
  if ("x1" in g) return { minX: Math.min(g.x1, g.x2), minY: Math.min(g.y1, g.y2), maxX: Math.max(g.x1, g.x2), maxY: Math.max(g.y1, g.y2) };
  return { minX: g.x, minY: g.y, maxX: g.x, maxY: g.y };
}

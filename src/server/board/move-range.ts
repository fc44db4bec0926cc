/**
 * Keeps moves within the board's coordinate range: a `move` that would take any
 * of its items past ±LIMITS.maxCoordinate is refused (`out_of_range`) before it
 * is stored. To know where items are, the node keeps, for the boards moved on
 * recently, each item's coordinate extent, folded from the log exactly as
 * BoardModel folds it and brought up to date from the log's tail before each
 * check. Other ops need no such check: `add` (and so paste and duplicate) is
 * checked by the schema, `edit` changes only a text's text, and remove, restore
 * and clear change no coordinates.
 *
 * Two moves racing through two nodes could each pass the check; the fold then
 * skips whichever would leave the range (board-model.ts), on every replica alike.
 */
import { LIMITS, type BoardOp, type ProtocolError } from "../../shared/protocol.js";
import { coordinateExtent, movedExtent, type Rect } from "../../shared/item-layout.js";
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

  /** Why `op` may not be stored, or null (only moves are judged here). */
  async refusal(boardId: string, op: BoardOp): Promise<ProtocolError | null> {
    if (op.type !== "move" || (op.dx === 0 && op.dy === 0)) return null;
    const extents = await this.upToDate(boardId);
    for (const id of new Set(op.itemIds)) {
      const e = extents.items.get(id);
      if (e && !movedExtent(e, op.dx, op.dy)) {
        return {
          code: "out_of_range",
          message: `this move would take items past ±${LIMITS.maxCoordinate.toLocaleString("en")}, the edge of the board`,
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

/** BoardModel's fold, on extents: adds set them, moves translate them all or none. */
function apply(items: Map<string, Rect>, op: BoardOp): void {
  if (op.type === "add") {
    if (!items.has(op.item.id)) items.set(op.item.id, coordinateExtent(op.item));
    return;
  }
  if (op.type !== "move" || (op.dx === 0 && op.dy === 0)) return;
  const moved = new Map<string, Rect>();
  for (const id of new Set(op.itemIds)) {
    const e = items.get(id);
    if (!e) continue;
    const m = movedExtent(e, op.dx, op.dy);
    if (!m) return;
    moved.set(id, m);
  }
  for (const [id, e] of moved) items.set(id, e);
}

/**
 * Bring to front / send to back: one `order` op gives the selection z values in
 * front of (or behind) everything, keeping their order among themselves; its undo
 * step holds the old z values, so one undo puts them back exactly.
 */
import { arrangeChanges } from "../../shared/paint-order.js";
import type { BoardEditor } from "./board-editor.js";
import type { DisplayedBoard } from "./displayed-board.js";

export type Placement = "front" | "back";

/** Moves the items `ids` to the front or back; false when there was nothing to change. */
export function arrange(board: DisplayedBoard, editor: BoardEditor, ids: ReadonlySet<string>, where: Placement): boolean {
  const all = board.items();
  const chosen = all.filter((i) => ids.has(i.id)).map((i) => i.id);
  if (chosen.length === 0) return false;
  // Already the topmost (bottommost) items, in that order: nothing to do, nothing to undo.
  const edge = where === "front" ? all.slice(all.length - chosen.length) : all.slice(0, chosen.length);
  if (edge.every((item, i) => item.id === chosen[i])) return false;
  const after = arrangeChanges(chosen, where, board.orderLimits());
  const before = chosen.map((itemId) => ({ itemId, z: board.zOf(itemId) }));
  const g = editor.gesture();
  g.reorder(after, before);
  g.end();
  return true;
}

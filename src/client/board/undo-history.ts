/**
 * Undo/redo of this browser's own actions. Every action is recorded as the steps
 * it took (items shown or hidden, moved, restyled or resized, a text changed), so
 * undo and redo are themselves ordinary ops (`remove`, `restore`, `move`, `edit`,
 * `style`, `transform`, `reshape`) that other people's work is never caught in.
 */
import type { Geometry, OrderChange, StyleChange } from "../../shared/protocol.js";
import type { Scale } from "../../shared/item-transform.js";

export type Visibility = "remove" | "restore";

export type UndoStep =
  /** Items were shown or hidden; `undo` is the op that reverses it. */
  | { kind: "visibility"; itemIds: string[]; undo: Visibility }
  | { kind: "move"; itemIds: string[]; dx: number; dy: number }
  | { kind: "edit"; itemId: string; before: string; after: string }
  /** Items restyled: `after` what they became, `before` what they were (per item). */
  | { kind: "style"; before: StyleChange[]; after: StyleChange[] }
  // --- Resizing (issue 13)
  /**
   * Items resized by `scale`; `undoing` marks the inverted step. Undone by the
   * inverse scale when that restores exactly (`scalesBack`), else by a `reshape`
   * to `before`, their geometry when they were resized.
   */
  | { kind: "transform"; itemIds: string[]; scale: Scale; before: Geometry[]; scalesBack: boolean; undoing: boolean }
  // --- end of resizing
  /** Items put in front or behind: `after` their new z, `before` the old (null: none). */
  | { kind: "order"; before: OrderChange[]; after: OrderChange[] };

/** One action (a gesture): its steps are undone together, last first. */
export interface UndoEntry {
  steps: UndoStep[];
}

const MAX_ENTRIES = 500;

export class UndoHistory {
  private readonly done: UndoEntry[] = [];
  private readonly undone: UndoEntry[] = [];

  record(entry: UndoEntry): void {
    if (entry.steps.length === 0) return;
    this.done.push(entry);
    if (this.done.length > MAX_ENTRIES) this.done.shift();
    this.undone.length = 0;
  }

  /** The next entry to undo, moved to the redo stack. */
  takeUndo(): UndoEntry | undefined {
    const e = this.done.pop();
    if (e) this.undone.push(e);
    return e;
  }

  takeRedo(): UndoEntry | undefined {
    const e = this.undone.pop();
    if (e) this.done.push(e);
    return e;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }
}

export function opposite(v: Visibility): Visibility {
  return v === "remove" ? "restore" : "remove";
}

/** The step that reverses `step` (undo of an undo is the redo). */
export function invert(step: UndoStep): UndoStep {
  switch (step.kind) {
    case "visibility":
      return { ...step, undo: opposite(step.undo) };
    case "move":
      return { ...step, dx: -step.dx, dy: -step.dy };
    case "edit":
    case "style":
    case "order":
      return { ...step, before: step.after, after: step.before } as UndoStep;
    case "transform":
      return { ...step, undoing: !step.undoing };
  }
}

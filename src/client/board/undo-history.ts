/**
 * Undo/redo of this browser's own actions. Every action is recorded as the set of
 * items it showed or hid, so undo and redo are themselves ordinary `remove` and
 * `restore` ops that other people's work is never caught in.
 */

export type Visibility = "remove" | "restore";

export interface UndoEntry {
  itemIds: string[];
  /** The op that undoes the action (redo is the other one). */
  undo: Visibility;
}

const MAX_ENTRIES = 500;

export class UndoHistory {
  private readonly done: UndoEntry[] = [];
  private readonly undone: UndoEntry[] = [];

  record(entry: UndoEntry): void {
    if (entry.itemIds.length === 0) return;
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

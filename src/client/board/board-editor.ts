/**
 * The local editing API that tools and buttons use: it turns intentions (add this
 * stroke, erase these, clear, undo) into durable ops for the outbox and records
 * them for undo.
 */
import type { BoardOp, Item } from "../../shared/protocol.js";
import { LIMITS } from "../../shared/protocol-constants.js";
import { newOpId } from "../sync/outbox.js";
import type { DisplayedBoard } from "./displayed-board.js";
import { UndoHistory, opposite, type Visibility } from "./undo-history.js";

export interface EditorListener {
  /** Undo/redo availability may have changed. */
  historyChanged(): void;
}

/** One gesture (a pen stroke that may span several items, an eraser drag): one undo step. */
export interface Gesture {
  add(item: Item): void;
  remove(itemIds: string[]): void;
  /** Records the gesture for undo. */
  end(): void;
}

export class BoardEditor {
  readonly history = new UndoHistory();
  readOnly = false;

  constructor(
    private readonly board: DisplayedBoard,
    private readonly submit: (op: BoardOp) => void,
    private readonly listener: EditorListener,
  ) {}

  /** Starts a gesture whose adds (or removes) are undone together. */
  gesture(): Gesture {
    const added: string[] = [];
    const removed: string[] = [];
    return {
      add: (item) => {
        if (this.readOnly) return;
        this.submit({ type: "add", opId: newOpId(), item });
        added.push(item.id);
      },
      remove: (itemIds) => {
        if (this.readOnly) return;
        const ids = itemIds.filter((id) => this.board.isVisible(id));
        if (ids.length === 0) return;
        this.emitVisibility("remove", ids);
        removed.push(...ids);
      },
      end: () => {
        if (added.length) this.history.record({ itemIds: added, undo: "remove" });
        if (removed.length) this.history.record({ itemIds: removed, undo: "restore" });
        if (added.length || removed.length) this.listener.historyChanged();
      },
    };
  }

  /** Hides everything for everyone; undo restores exactly what it hid. */
  clear(): void {
    if (this.readOnly) return;
    const hidden = this.board.items().map((i) => i.id);
    if (hidden.length === 0) return;
    this.submit({ type: "clear", opId: newOpId() });
    this.history.record({ itemIds: hidden, undo: "restore" });
    this.listener.historyChanged();
  }

  /** Undoes the latest own action that still changes something visible. */
  undo(): boolean {
    return this.step(() => this.history.takeUndo(), (e) => e.undo);
  }

  redo(): boolean {
    return this.step(() => this.history.takeRedo(), (e) => opposite(e.undo));
  }

  private step(
    take: () => { itemIds: string[]; undo: Visibility } | undefined,
    visibilityOf: (e: { undo: Visibility }) => Visibility,
  ): boolean {
    if (this.readOnly) return false;
    for (let e = take(); e; e = take()) {
      const v = visibilityOf(e);
      // Skip steps that would change nothing (someone else already erased or restored those items).
      const effective = e.itemIds.filter((id) => this.board.isVisible(id) === (v === "remove"));
      if (effective.length === 0) continue;
      this.emitVisibility(v, effective);
      this.listener.historyChanged();
      return true;
    }
    this.listener.historyChanged();
    return false;
  }

  private emitVisibility(type: Visibility, ids: string[]): void {
    for (let i = 0; i < ids.length; i += LIMITS.maxTargetsPerOp) {
      this.submit({ type, opId: newOpId(), itemIds: ids.slice(i, i + LIMITS.maxTargetsPerOp) });
    }
  }
}

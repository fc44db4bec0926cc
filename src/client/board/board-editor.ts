/**
 * The local editing API that tools and buttons use: it turns intentions (add this
 * item, erase, move or duplicate these, change this text, clear, undo) into durable
 * ops for the outbox and records them for undo.
 */
import type { BoardOp, Geometry, Item, OrderChange, StyleChange } from "../../shared/protocol.js";
import { geometryOf, inverseScale, scalesBackExactly, type Scale } from "../../shared/item-transform.js";
import { LIMITS } from "../../shared/protocol-constants.js";
import { newOpId } from "../../shared/client/outbox.js";
import type { DisplayedBoard } from "./displayed-board.js";
import { UndoHistory, invert, opposite, type UndoEntry, type UndoStep, type Visibility } from "./undo-history.js";

export interface EditorListener {
  /** Undo/redo availability may have changed. */
  historyChanged(): void;
}

/** One gesture (a pen stroke that may span several items, an eraser drag, a move): one undo step. */
export interface Gesture {
  add(item: Item): void;
  remove(itemIds: string[]): void;
  move(itemIds: string[], dx: number, dy: number): void;
  /** Changes a text item's text (`before` is what it was, for undo). */
  edit(itemId: string, before: string, after: string): void;
  /** Restyles items: `after` per item, `before` their present style (for undo); one op. */
  restyle(after: StyleChange[], before: StyleChange[]): void;
  /** Resizes items (as they are now) by `scale`: one `transform` op; undo restores them exactly. */
  transform(items: readonly Item[], scale: Scale): void;
  /** Gives items a place in the paint order: `after` per item, `before` their present z (for undo); one op. */
  reorder(after: OrderChange[], before: OrderChange[]): void;
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

  /** Starts a gesture whose ops are undone together. */
  gesture(): Gesture {
    const steps: UndoStep[] = [];
    const added = (): string[] => {
      const last = steps[steps.length - 1];
      if (last?.kind === "visibility" && last.undo === "remove") return last.itemIds;
      const step: UndoStep = { kind: "visibility", itemIds: [], undo: "remove" };
      steps.push(step);
      return step.itemIds;
    };
    return {
      add: (item) => {
        if (this.readOnly) return;
        this.submit({ type: "add", opId: newOpId(), item });
        added().push(item.id);
      },
      remove: (itemIds) => {
        if (this.readOnly) return;
        const ids = itemIds.filter((id) => this.board.isVisible(id));
        if (ids.length === 0) return;
        this.emit({ kind: "visibility", itemIds: ids, undo: "restore" }, "redo");
        steps.push({ kind: "visibility", itemIds: ids, undo: "restore" });
      },
      move: (itemIds, dx, dy) => {
        if (this.readOnly || itemIds.length === 0 || (dx === 0 && dy === 0)) return;
        const step: UndoStep = { kind: "move", itemIds, dx, dy };
        this.emit(step, "redo");
        steps.push(step);
      },
      edit: (itemId, before, after) => {
        if (this.readOnly || before === after) return;
        const step: UndoStep = { kind: "edit", itemId, before, after };
        this.emit(step, "redo");
        steps.push(step);
      },
      restyle: (after, before) => {
        if (this.readOnly || after.length === 0) return;
        const step: UndoStep = { kind: "style", before, after };
        this.emit(step, "redo");
        steps.push(step);
      },
      transform: (items, scale) => {
        if (this.readOnly || items.length === 0 || (scale.sx === 1 && scale.sy === 1)) return;
        const step: UndoStep = {
          kind: "transform",
          itemIds: items.map((i) => i.id),
          scale,
          before: items.map(geometryOf),
          scalesBack: scalesBackExactly(items, scale),
          undoing: false,
        };
        this.emit(step, "redo");
        steps.push(step);
      },
      reorder: (after, before) => {
        if (this.readOnly || after.length === 0) return;
        const step: UndoStep = { kind: "order", before, after };
        this.emit(step, "redo");
        steps.push(step);
      },
      end: () => {
        if (steps.length === 0) return;
        this.history.record({ steps });
        this.listener.historyChanged();
      },
    };
  }

  /** Hides everything for everyone; undo restores exactly what it hid. */
  clear(): void {
    if (this.readOnly) return;
    const hidden = this.board.items().map((i) => i.id);
    if (hidden.length === 0) return;
    this.submit({ type: "clear", opId: newOpId() });
    this.history.record({ steps: [{ kind: "visibility", itemIds: hidden, undo: "restore" }] });
    this.listener.historyChanged();
  }

  /** Undoes the latest own action that still changes something visible. */
  undo(): boolean {
    return this.step(() => this.history.takeUndo(), "undo");
  }

  redo(): boolean {
    return this.step(() => this.history.takeRedo(), "redo");
  }

  private step(take: () => UndoEntry | undefined, direction: "undo" | "redo"): boolean {
    if (this.readOnly) return false;
    for (let e = take(); e; e = take()) {
      const steps = direction === "undo" ? [...e.steps].reverse() : e.steps;
      let changed = false;
      for (const s of steps) changed = this.emit(s, direction) || changed;
      // An entry that changed nothing (someone else already erased those items) is skipped.
      if (!changed) continue;
      this.listener.historyChanged();
      return true;
    }
    this.listener.historyChanged();
    return false;
  }

  /**
   * Sends the ops that redo `step` (direction "redo") or undo it, limited to what
   * would still change something. Returns whether anything was sent.
   */
  private emit(step: UndoStep, direction: "undo" | "redo"): boolean {
    const s = direction === "undo" ? invert(step) : step;
    switch (s.kind) {
      case "visibility": {
        // Undoing an add removes (only what is visible); undoing a remove restores (only what is hidden).
        const v: Visibility = opposite(s.undo);
        const ids = s.itemIds.filter((id) => this.board.isVisible(id) === (v === "remove"));
        for (const chunk of chunks(ids)) this.submit({ type: v, opId: newOpId(), itemIds: chunk });
        return ids.length > 0;
      }
      case "move": {
        const ids = s.itemIds.filter((id) => this.board.isVisible(id));
        for (const chunk of chunks(ids)) this.submit({ type: "move", opId: newOpId(), itemIds: chunk, dx: s.dx, dy: s.dy });
        return ids.length > 0;
      }
      case "style": {
        const changes = s.after.filter((c) => this.board.isVisible(c.itemId));
        for (let i = 0; i < changes.length; i += LIMITS.maxTargetsPerOp) {
          this.submit({ type: "style", opId: newOpId(), changes: changes.slice(i, i + LIMITS.maxTargetsPerOp) });
        }
        return changes.length > 0;
      }
      case "transform": {
        const visible = new Set(s.itemIds.filter((id) => this.board.isVisible(id)));
        if (visible.size === 0) return false;
        if (s.undoing && !s.scalesBack) {
          for (const items of reshapeChunks(s.before.filter((g) => visible.has(g.itemId)))) this.submit({ type: "reshape", opId: newOpId(), items });
          return true;
        }
        const scale = s.undoing ? inverseScale(s.scale) : s.scale;
        for (const chunk of chunks([...visible])) this.submit({ type: "transform", opId: newOpId(), itemIds: chunk, ...scale });
        return true;
      }
      case "order": {
        const changes = s.after.filter((c) => this.board.isVisible(c.itemId));
        for (let i = 0; i < changes.length; i += LIMITS.maxTargetsPerOp) {
          this.submit({ type: "order", opId: newOpId(), changes: changes.slice(i, i + LIMITS.maxTargetsPerOp) });
        }
        return changes.length > 0;
      }
      case "edit": {
        if (!this.board.isVisible(s.itemId)) return false;
        this.submit({ type: "edit", opId: newOpId(), itemId: s.itemId, text: s.after });
        return true;
      }
    }
  }
}

function chunks(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += LIMITS.maxTargetsPerOp) out.push(ids.slice(i, i + LIMITS.maxTargetsPerOp));
  return out;
}

/** A reshape carries whole point lists: split so each op stays well inside the payload limit. */
const RESHAPE_CHUNK_CHARS = LIMITS.maxPayloadBytes / 2;

function reshapeChunks(items: Geometry[]): Geometry[][] {
  const out: Geometry[][] = [];
  let chunk: Geometry[] = [];
  let chars = 0;
  for (const g of items) {
    const size = JSON.stringify(g).length;
    if (chunk.length > 0 && (chars + size > RESHAPE_CHUNK_CHARS || chunk.length === LIMITS.maxTargetsPerOp)) {
      out.push(chunk);
      chunk = [];
      chars = 0;
    }
    chunk.push(g);
    chars += size;
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

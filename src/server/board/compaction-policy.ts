/**
 * When a board's log is folded into a snapshot, and what the snapshot keeps.
 * Documented in docs/reliability.md ("Compaction"); pure, so both stores and the
 * property tests share it.
 *
 * - A board's ops after its snapshot have a weight: 1 per op, plus 1 per item an
 *   erase, restore, move or order (paint order) names, plus CLEAR_WEIGHT for a clear. History that
 *   erases, clears or moves a lot weighs a lot.
 * - The log is folded when that weight reaches COMPACT_AT_WEIGHT, when a late
 *   joiner would otherwise replay JOIN_COMPACT_AT_WEIGHT or more of it (or a tail
 *   naming JOIN_COMPACT_AT_NAMED items), and when an
 *   op is refused for want of room (board_full) after ops were added since.
 * - The snapshot holds every visible item, plus the most recently hidden items up
 *   to half the visible items' bytes (at least HIDDEN_MIN_BYTES), so undoing a
 *   recent erase or clear still brings its items back; older hidden items are
 *   dropped for good. A late joiner therefore gets at most ~1.5x the live content,
 *   give or take a tail that names fewer than JOIN_COMPACT_AT_NAMED items.
 */
import { applyOp, fromSnapshotItem, toSnapshotItem, type BoardItem } from "../../shared/board-model.js";
import type { BoardOp, SequencedOp } from "../../shared/protocol.js";
import type { StoredSnapshot, StoredSnapshotItem } from "../store/board-store.js";

export const CLEAR_WEIGHT = 500;
export const COMPACT_AT_WEIGHT = 2_000;
export const JOIN_COMPACT_AT_WEIGHT = 200;
/**
 * ... or when the ops after the snapshot name this many items in erases, clears,
 * restores, moves or `order`s (weight beyond 1 per op): what a stale snapshot
 * carries that the board no longer shows. A tail of adds alone costs a joiner the
 * same bytes folded or not.
 */
export const JOIN_COMPACT_AT_NAMED = 100;

/** Whether a late joiner should get the board compacted first (see the two thresholds above). */
export function joinShouldCompact(state: { head: number; snapshotSeq: number; tailWeight: number }): boolean {
  const named = state.tailWeight - (state.head - state.snapshotSeq);
  return state.tailWeight >= JOIN_COMPACT_AT_WEIGHT || named >= JOIN_COMPACT_AT_NAMED;
}
/** Share of the visible items' bytes that recently hidden items may add to a snapshot. */
export const HIDDEN_KEEP_RATIO = 0.5;
export const HIDDEN_MIN_BYTES = 64 * 1024;
/**
 * An op's opId stays known this many ops after it (folded or not): a resend
 * within the window is recognised as a duplicate; past it, it would be stored again.
 */
export const RESEND_WINDOW_OPS = 10_000;

export function opWeight(op: BoardOp): number {
  switch (op.type) {
    case "remove":
    case "restore":
    case "move":
    case "transform":
      return 1 + op.itemIds.length;
    case "reshape":
      return 1 + op.items.length;
    case "order":
      return 1 + op.changes.length;
    case "clear":
      return CLEAR_WEIGHT;
    default:
      return 1;
  }
}

export interface FoldPolicy {
  /** Bytes of hidden items a snapshot keeps, given its visible items' bytes. */
  hiddenAllowance(visibleBytes: number): number;
}

export const DEFAULT_FOLD_POLICY: FoldPolicy = {
  hiddenAllowance: (visible) => Math.max(visible * HIDDEN_KEEP_RATIO, HIDDEN_MIN_BYTES),
};

/** Keeps every hidden item (the property tests' reference: nothing is dropped). */
export const KEEP_ALL_POLICY: FoldPolicy = { hiddenAllowance: () => Number.POSITIVE_INFINITY };

export function snapshotItemBytes(s: StoredSnapshotItem): number {
  return Buffer.byteLength(JSON.stringify(s));
}

/**
 * Folds `ops` (consecutive, right after `base`) onto `base`. Item order (the
 * board's creation order) is kept, and each item's z (its place in the paint
 * order, set by `order` ops); the result's seq is the last op's.
 */
export function fold(base: StoredSnapshot | null, ops: readonly SequencedOp[], policy: FoldPolicy = DEFAULT_FOLD_POLICY): StoredSnapshot {
  const items = new Map<string, BoardItem>();
  const hiddenAt = new Map<string, number>();
  for (const s of base?.items ?? []) {
    items.set(s.item.id, fromSnapshotItem(s));
    if (!s.visible) hiddenAt.set(s.item.id, s.hiddenAt ?? base!.seq);
  }
  let seq = base?.seq ?? 0;
  let opId = base?.opId ?? "";
  for (const s of ops) {
    if (s.seq !== seq + 1) throw new Error(`fold: op ${s.seq} does not follow ${seq}`);
    const hiding = s.op.type === "clear" ? [...items.keys()] : s.op.type === "remove" ? s.op.itemIds : [];
    const wasVisible = hiding.filter((id) => items.get(id)?.visible);
    applyOp(items, s.op, s.author, s.seq);
    for (const id of wasVisible) hiddenAt.set(id, s.seq);
    if (s.op.type === "restore") for (const id of s.op.itemIds) if (items.get(id)?.visible) hiddenAt.delete(id);
    seq = s.seq;
    opId = s.op.opId;
  }

  const entries: StoredSnapshotItem[] = [];
  let visibleBytes = 0;
  for (const b of items.values()) {
    const e: StoredSnapshotItem = b.visible ? toSnapshotItem(b) : { ...toSnapshotItem(b), hiddenAt: hiddenAt.get(b.item.id) ?? seq };
    entries.push(e);
    if (b.visible) visibleBytes += snapshotItemBytes(e);
  }
  // The most recently hidden first, while they fit the allowance.
  let room = policy.hiddenAllowance(visibleBytes);
  const kept = new Set<StoredSnapshotItem>();
  const hidden = entries.filter((e) => !e.visible).sort((a, b) => b.hiddenAt! - a.hiddenAt!);
  for (const e of hidden) {
    const bytes = snapshotItemBytes(e);
    if (bytes > room) break;
    room -= bytes;
    kept.add(e);
  }
  return { seq, opId, items: entries.filter((e) => e.visible || kept.has(e)) };
}

export function snapshotBytes(snapshot: StoredSnapshot): number {
  return Buffer.byteLength(JSON.stringify(snapshot));
}

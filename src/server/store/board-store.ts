/**
 * Durable storage of boards: an op log per board, optionally headed by a
 * snapshot that folds the log's older part (compaction). One interface; the
 * embedded SQLite store and the Redis store implement it and pass the same
 * contract suite (test/unit/store-contract.ts).
 */
import type { BoardOp, SequencedOp, SnapshotItem } from "../../shared/protocol.js";

export interface AppendInput {
  op: BoardOp;
  author: string;
  at: number;
}

export interface AppendResult {
  /**
   * The op as stored. For a duplicate: the stored original while it is still in the
   * log; once folded into a snapshot, its seq with the resent op (same opId).
   */
  stored: SequencedOp;
  /** True when an op with this opId was already on the board (within the resend window). */
  duplicate: boolean;
  /** The board's state after the append (for a duplicate: as it is). */
  board: BoardState;
}

/** What the store keeps about a board besides its ops. */
export interface BoardState {
  head: number;
  /** seq of the board's snapshot (0: none; ops from 1 are all in the log). */
  snapshotSeq: number;
  /** Bytes of the board's stored ops and snapshot (what BOARD_MAX_BYTES budgets). */
  bytes: number;
  /** Weight of the ops after the snapshot (compaction-policy.ts): how much history the log holds. */
  tailWeight: number;
}

export interface StoreLimits {
  maxItemsPerBoard: number;
  /** Stored bytes per board; adds and edits past it are refused (default 8 MiB). */
  maxBytesPerBoard?: number;
  /** Ops after which an opId is forgotten (default RESEND_WINDOW_OPS; tests shorten it). */
  resendWindowOps?: number;
}

/** A board snapshot as stored: its items, and when each hidden one was hidden. */
export interface StoredSnapshot {
  seq: number;
  opId: string;
  items: StoredSnapshotItem[];
}

export interface StoredSnapshotItem extends SnapshotItem {
  /** seq of the op that hid it (hidden items only): recently hidden ones are kept for undo. */
  hiddenAt?: number;
}

export interface BoardStore {
  /**
   * Appends an op and gives it the board's next seq, atomically. Idempotent by
   * opId within the resend window (RESEND_WINDOW_OPS). Throws BoardFullError when
   * the op would exceed the board's item or byte budget, StorageFullError when the
   * store itself has no room.
   */
  append(boardId: string, input: AppendInput): Promise<AppendResult>;
  /** Ops with seq > since (and above the snapshot), ascending, at most `limit`. */
  readSince(boardId: string, since: number, limit: number): Promise<SequencedOp[]>;
  /** Highest seq on the board (0 for an empty or unknown board). */
  head(boardId: string): Promise<number>;
  /** The board's counters (all 0 for an unknown board). */
  state(boardId: string): Promise<BoardState>;
  /** The board's snapshot, or null when it has none. */
  snapshot(boardId: string): Promise<StoredSnapshot | null>;
  /**
   * Installs a snapshot folding every op up to `snapshot.seq` and drops those ops
   * from the log (their opIds stay known for the resend window), atomically.
   * False (nothing changed) when the board already has a snapshot at or past it,
   * or its log no longer reaches it (deleted meanwhile).
   */
  installSnapshot(boardId: string, snapshot: StoredSnapshot): Promise<boolean>;
  /** Records that the board is in use now (retention counts idleness from the last touch). */
  touch(boardId: string, at: number): Promise<void>;
  /** Up to `limit` boards last touched before `before` (candidates for retention). */
  idleBoards(before: number, limit: number): Promise<string[]>;
  /** Deletes the board if it was last touched before `before`; true when deleted. */
  deleteIfIdle(boardId: string, before: number): Promise<boolean>;
  /** Boards stored, bytes the store uses, and its limit when it has one (Redis maxmemory). */
  totals(): Promise<StoreTotals>;
  close(): Promise<void>;
}

export interface StoreTotals {
  boards: number;
  /** Embedded: bytes of every board's ops and snapshot. Redis: its used_memory. */
  bytes: number;
  /** Redis maxmemory (0: none); embedded: 0. */
  limitBytes: number;
}

/** The board's item or byte budget is used up: permanent until it is cleared or erased. */
export class BoardFullError extends Error {
  constructor(
    readonly limit: number,
    readonly unit: "items" | "bytes" = "items",
  ) {
    super(
      unit === "items"
        ? `this board holds the maximum of ${limit} items`
        : `this board is full (it holds at most ${formatBytes(limit)}): erase or clear something to make room`,
    );
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** The store itself is out of room (Redis at maxmemory, a full disk): transient. */
export class StorageFullError extends Error {
  constructor(cause?: unknown) {
    super("the server's storage is full; your drawing is kept and will be saved when there is room", { cause });
  }
}

/** Default BOARD_MAX_BYTES. */
export const DEFAULT_BOARD_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Ops that add content (`add`, `edit`) need room within the budget; the others
 * (erase, clear, undo, move) may go this far past it, so a full board can still
 * be tidied, and compaction then frees the room.
 */
export const TIDY_HEADROOM = 1.25;

/** What an op may bring the board's bytes to: content needs room in the budget, tidying gets headroom. */
export function budgetFor(op: BoardOp, maxBytes: number): number {
  return op.type === "add" || op.type === "edit" ? maxBytes : Math.floor(maxBytes * TIDY_HEADROOM);
}

/** Bytes an op takes in the budget: its stored JSON. */
export function opBytes(json: string): number {
  return Buffer.byteLength(json);
}

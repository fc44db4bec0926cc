/**
 * Durable storage of board operation logs. One interface; the embedded SQLite
 * store and the Redis store implement it and pass the same contract suite.
 */
import type { BoardOp, SequencedOp } from "../../shared/protocol.js";

export interface AppendInput {
  op: BoardOp;
  author: string;
  at: number;
}

export interface AppendResult {
  /** The op as stored (for a duplicate: the stored original). */
  stored: SequencedOp;
  /** True when an op with this opId was already on the board. */
  duplicate: boolean;
}

export interface StoreLimits {
  maxItemsPerBoard: number;
}

export interface BoardStore {
  /**
   * Appends an op and gives it the board's next seq, atomically. Idempotent by
   * opId. Throws BoardFullError when an `add` would exceed maxItemsPerBoard.
   */
  append(boardId: string, input: AppendInput): Promise<AppendResult>;
  /** Ops with seq > since, ascending, at most `limit`. */
  readSince(boardId: string, since: number, limit: number): Promise<SequencedOp[]>;
  /** Highest seq on the board (0 for an empty or unknown board). */
  head(boardId: string): Promise<number>;
  close(): Promise<void>;
}

export class BoardFullError extends Error {
  constructor(readonly limit: number) {
    super(`this board holds the maximum of ${limit} items`);
  }
}

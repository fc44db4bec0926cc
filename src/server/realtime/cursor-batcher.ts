/**
 * Cursors on the ink clock: a board's cursor moves of one tick leave together,
 * the latest position of each session, as one `cursors` message. A board where
 * N people move their pointers costs each member one message per tick instead
 * of N per frame.
 */
import { nextTick } from "../../shared/ink-clock.js";
import type { Cursor, PeerCursor } from "../../shared/protocol.js";
import { FlushTimer, type TimerHooks } from "./flush-timer.js";

export interface CursorBatcherOptions extends TimerHooks {
  periodMs: number;
  /** The flush follows each tick by this much (the ink clock's lag). */
  phaseMs: number;
  deliver(boardId: string, cursors: PeerCursor[]): void;
  now?: () => number;
}

export class CursorBatcher {
  /** boardId → sessionId → its latest cursor this tick (null: gone from the canvas). */
  private readonly boards = new Map<string, Map<string, Cursor>>();
  private readonly timer: FlushTimer;

  constructor(private readonly options: CursorBatcherOptions) {
    this.timer = new FlushTimer(options);
  }

  move(boardId: string, sessionId: string, cursor: Cursor): void {
    let board = this.boards.get(boardId);
    if (!board) {
      board = new Map();
      this.boards.set(boardId, board);
      this.timer.arm(
        () => {
          const now = (this.options.now ?? Date.now)();
          return nextTick(now, this.options.periodMs, this.options.phaseMs) - now;
        },
        () => this.flushAll(),
      );
    }
    board.set(sessionId, cursor);
  }

  flushAll(): void {
    this.timer.disarm();
    const boards = [...this.boards];
    this.boards.clear();
    for (const [boardId, moves] of boards) this.options.deliver(boardId, [...moves].map(([sessionId, cursor]) => ({ sessionId, cursor })));
  }
}

/**
 * A tool turns one pointer's gestures (in board coordinates) into edits. Tools are
 * pluggable: the pointer input drives whichever is active, and the live layer
 * lets it draw feedback (wet ink, an eraser ring) above the board.
 */
import type { Draft } from "../../shared/protocol.js";
import type { BoardEditor } from "../board/board-editor.js";
import type { DisplayedBoard } from "../board/displayed-board.js";
import type { Point, Viewport } from "../canvas/viewport.js";
import type { DrawingStyle } from "./drawing-style.js";

export type ToolId = "pen" | "eraser";

export interface Tool {
  readonly id: ToolId;
  /** CSS cursor over the board while the tool is active. */
  readonly cursor: string;
  down(p: Point): void;
  /** Samples since the last call, oldest first (coalesced pointer events). */
  move(points: readonly Point[]): void;
  up(p: Point): void;
  /** The gesture was interrupted (tool switch, lost capture): keep what was done. */
  cancel(): void;
  /** The pointer hovers without pressing (null: it left the board). */
  hover?(p: Point | null): void;
  /** Once per animation frame while the tool asks for frames. */
  frame?(now: number): void;
  /** Draws feedback on the live layer, in board coordinates. */
  drawLive?(ctx: CanvasRenderingContext2D): void;
}

/** What a tool may use. */
export interface ToolHost {
  readonly style: DrawingStyle;
  readonly editor: BoardEditor;
  readonly board: DisplayedBoard;
  readonly viewport: Viewport;
  sendDraft(d: Draft): void;
  /** Asks for a frame (live layer repaint, `frame()` call). */
  requestFrame(): void;
}

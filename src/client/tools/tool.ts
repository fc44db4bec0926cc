/**
 * A tool turns one pointer's gestures (in board coordinates) into edits or view
 * changes. Tools are pluggable: the pointer input drives whichever is active, and
 * the live layer lets it draw feedback (wet ink, a shape being dragged, the
 * selection) above the board.
 */
import type { Draft, Preview, Text } from "../../shared/protocol.js";
import type { BoardEditor } from "../board/board-editor.js";
import type { DisplayedBoard } from "../board/displayed-board.js";
import type { Point, Viewport } from "../canvas/viewport.js";
import type { DrawingStyle } from "./drawing-style.js";

export type ShapeToolId = "line" | "arrow" | "rect" | "ellipse";
export type ToolId = "select" | "hand" | "pen" | ShapeToolId | "text" | "eraser";

export interface Tool {
  readonly id: ToolId;
  /** CSS cursor over the board while the tool is active. */
  readonly cursor: string;
  /** Does using it change the board (false: it only moves the view, allowed when read-only)? */
  readonly edits: boolean;
  down(p: Point): void;
  /** Samples since the last call, oldest first (coalesced pointer events). */
  move(points: readonly Point[]): void;
  up(p: Point): void;
  /** The gesture was interrupted (tool switch, lost capture): keep what was done. */
  cancel(): void;
  /** The gesture turned out to be something else (a two-finger pinch): drop what it started. */
  abandon?(): void;
  /** The tool is being put away (another tool was picked). */
  deactivate?(): void;
  /** The pointer hovers without pressing (null: it left the board). */
  hover?(p: Point | null): void;
  /** Once per animation frame while the tool asks for frames. */
  frame?(now: number): void;
  /** Draws feedback on the live layer, in board coordinates. */
  drawLive?(ctx: CanvasRenderingContext2D): void;
}

/** Keys held while the pointer works (Shift constrains shapes and adds to a selection). */
export interface Modifiers {
  shift: boolean;
}

/** What a tool may use. */
export interface ToolHost {
  readonly style: DrawingStyle;
  readonly editor: BoardEditor;
  readonly board: DisplayedBoard;
  readonly viewport: Viewport;
  readonly modifiers: Modifiers;
  sendDraft(d: Draft): void;
  /** Shows others what the tool is doing (replaces this tool's previous preview of that kind). */
  sendPreview(p: Preview): void;
  /** Asks for a frame (live layer repaint, `frame()` call). */
  requestFrame(): void;
  /** Items the scene leaves out while a tool shows them itself (being moved or edited); null for none. */
  hideItems(ids: ReadonlySet<string> | null): void;
  /** Opens the text editor on an existing text. */
  editText(item: Text): void;
  /** Tells the person something (a toast). */
  notify(message: string): void;
  /** Overrides the tool's pointer cursor over the board (a resize handle under the pointer); null: the tool's own. */
  pointerCursor(css: string | null): void;
}

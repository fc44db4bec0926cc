/** The board's keyboard shortcuts: which key does what (the actions live elsewhere). */
import type { Shortcut } from "../input/shortcuts.js";
import { PALETTE } from "../tools/drawing-style.js";
import type { ToolId } from "../tools/tool.js";

/** Called detached from this object (`run: a.zoomIn`): functions, not methods. */
export interface KeymapActions {
  readOnly: () => boolean;
  selectTool: (id: ToolId) => void;
  /** Picks a palette colour (switching to the pen when the tool has no colour). */
  pickColor: (color: string) => void;
  deleteSelection: () => void;
  duplicateSelection: () => void;
  selectAll: () => void;
  clearSelection: () => void;
  zoomIn: () => void;
  zoomOut: () => void;
  resetZoom: () => void;
  fitToContent: () => void;
  undo: () => void;
  redo: () => void;
  exportPng: () => void;
  exportSvg: () => void;
  stepWidth: (step: 1 | -1) => void;
  /** Moves the selection by (dx, dy) board pixels (one undo step each). */
  nudgeSelection: (dx: number, dy: number) => void;
  /** Paint order (issue 13): the selection to the front or the back (one undo step). */
  arrangeSelection: (where: "front" | "back") => void;
}

/** Arrow keys nudge a selection this far (board pixels); with Shift, ten times as far. */
export const NUDGE_PX = 1;
const ARROWS: ReadonlyArray<[string, number, number]> = [
  ["arrowleft", -1, 0],
  ["arrowright", 1, 0],
  ["arrowup", 0, -1],
  ["arrowdown", 0, 1],
];

export function boardKeymap(a: KeymapActions): Shortcut[] {
  /** A shortcut that changes the board or picks an editing tool: does nothing in a view-only session. */
  const editing = (run: () => void) => (): void => {
    if (!a.readOnly()) run();
  };
  const tool = (id: ToolId) => () => a.selectTool(id);
  return [
    { key: "v", run: editing(tool("select")) },
    { key: "h", run: tool("hand") },
    { key: "p", run: editing(tool("pen")) },
    { key: "l", run: editing(tool("line")) },
    { key: "a", run: editing(tool("arrow")) },
    { key: "r", run: editing(tool("rect")) },
    { key: "o", run: editing(tool("ellipse")) },
    { key: "t", run: editing(tool("text")) },
    { key: "e", run: editing(tool("eraser")) },
    { key: "delete", run: editing(a.deleteSelection) },
    { key: "backspace", run: editing(a.deleteSelection) },
    { key: "d", mod: true, run: editing(a.duplicateSelection) },
    { key: "a", mod: true, run: editing(a.selectAll) },
    { key: "escape", run: a.clearSelection },
    { key: "=", run: a.zoomIn },
    { key: "+", shift: true, run: a.zoomIn },
    { key: "+", run: a.zoomIn },
    { key: "-", run: a.zoomOut },
    { key: "0", code: "Digit0", shift: true, run: a.resetZoom },
    { key: "1", code: "Digit1", shift: true, run: a.fitToContent },
    { key: "s", mod: true, shift: true, run: a.exportSvg },
    { key: "z", mod: true, run: editing(a.undo) },
    { key: "z", mod: true, shift: true, run: editing(a.redo) },
    { key: "y", mod: true, run: editing(a.redo) },
    { key: "e", mod: true, shift: true, run: a.exportPng },
    { key: "[", run: editing(() => a.stepWidth(-1)) },
    { key: "]", run: editing(() => a.stepWidth(1)) },
    ...ARROWS.flatMap(([key, x, y]) => [
      { key, run: editing(() => a.nudgeSelection(x * NUDGE_PX, y * NUDGE_PX)) },
      { key, shift: true, run: editing(() => a.nudgeSelection(x * NUDGE_PX * 10, y * NUDGE_PX * 10)) },
    ]),
    // --- Paint order (issue 13): as in Excalidraw and tldraw; by code, since Shift makes "]" a "}".
    { key: "]", code: "BracketRight", mod: true, shift: true, run: editing(() => a.arrangeSelection("front")) },
    { key: "[", code: "BracketLeft", mod: true, shift: true, run: editing(() => a.arrangeSelection("back")) },
    // --- end of paint order
    ...PALETTE.map((s, i) => ({ key: String(i + 1), run: editing(() => a.pickColor(s.color)) })),
  ];
}

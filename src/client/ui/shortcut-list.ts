/**
 * The keyboard and pointer shortcuts, as the shortcut sheet (`?`) lists them. The
 * README's shortcut table says the same, row for row (test/unit/shortcut-list.test.ts
 * holds the two together); the keymap itself lives with the page's input handling.
 */
export interface ShortcutRow {
  /** As written in the README: alternatives separated by ", ". */
  keys: string;
  action: string;
}

export const SHORTCUT_ROWS: readonly ShortcutRow[] = [
  { keys: "V", action: "select" },
  { keys: "H", action: "hand (pan)" },
  { keys: "P", action: "pen" },
  { keys: "L", action: "line" },
  { keys: "A", action: "arrow" },
  { keys: "R", action: "rectangle" },
  { keys: "O", action: "ellipse" },
  { keys: "T", action: "text" },
  { keys: "E", action: "eraser" },
  { keys: "1–8", action: "pick a colour (the palette, left to right); with a selection: recolour it" },
  { keys: "[ and ]", action: "thinner / thicker (and smaller / larger text); with a selection: restyle it" },
  { keys: "Shift", action: "while drawing a shape: 45° lines, squares, circles; while resizing: keep proportions" },
  { keys: "Shift+click", action: "add to / remove from the selection" },
  { keys: "Delete, Backspace", action: "delete the selection" },
  { keys: "Ctrl/Cmd+D", action: "duplicate the selection" },
  { keys: "Arrow keys", action: "nudge the selection 1 px (Shift: 10 px)" },
  { keys: "Ctrl/Cmd+C, Ctrl/Cmd+X, Ctrl/Cmd+V", action: "copy, cut, paste the selection (between tabs and boards); pasting text makes a text" },
  { keys: "Ctrl/Cmd+Shift+], Ctrl/Cmd+Shift+[", action: "bring the selection to the front / send it to the back" },
  { keys: "Ctrl/Cmd+A", action: "select all" },
  { keys: "Escape", action: "deselect; in a text: finish it (so does Ctrl/Cmd+Enter or a click elsewhere)" },
  { keys: "Wheel, two-finger scroll", action: "pan (Shift+wheel: sideways)" },
  { keys: "Ctrl/Cmd+wheel, pinch", action: "zoom around the pointer (a wheel notch: 10 %)" },
  { keys: "Space + drag", action: "pan, whatever the tool" },
  { keys: "+ / − (or =)", action: "zoom in / out" },
  { keys: "Shift+0", action: "reset view (origin top-left, 100 %)" },
  { keys: "Shift+1", action: "fit to content" },
  { keys: "Ctrl/Cmd+Z", action: "undo" },
  { keys: "Ctrl/Cmd+Shift+Z, Ctrl+Y", action: "redo" },
  { keys: "Ctrl/Cmd+Shift+E", action: "export PNG" },
  { keys: "Ctrl/Cmd+Shift+S", action: "export SVG" },
  { keys: "?", action: "open the shortcut sheet (this list)" },
];

/** Keyboard shortcuts, ignored while typing in a field or a dialog is open. */

export interface Shortcut {
  /** `KeyboardEvent.key`, compared case-insensitively. */
  key: string;
  /** `KeyboardEvent.code` instead of the key, for keys whose character Shift changes (Shift+1 is "!"). */
  code?: string;
  /** Ctrl on Windows/Linux, Cmd on macOS. */
  mod?: boolean;
  shift?: boolean;
  run(): void;
}

/** Tells whether a key event is typing into a field (where keys are text, not shortcuts). */
export function isTypingIn(e: KeyboardEvent): boolean {
  return isTyping(e.target);
}

export function installShortcuts(shortcuts: readonly Shortcut[]): void {
  addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.altKey || isTyping(e.target)) return;
    if (document.querySelector("dialog[open]")) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    const match = shortcuts.find((s) => (s.code ? s.code === e.code : s.key === key) && !!s.mod === mod && !!s.shift === e.shiftKey);
    if (!match) return;
    e.preventDefault();
    match.run();
  });
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
}

/**
 * Closes an open popover (people, share, more tools) when the pointer is pressed
 * outside it. A press on the board that closes a popover does only that: it is kept
 * from the board, so closing a panel never draws a dot or starts a stroke.
 */
export interface Dismissable {
  isOpen(): boolean;
  /** The popover and the button that opens it: presses there are the popover's own. */
  owns(node: Node): boolean;
  close(): void;
}

export function closeOnOutsidePress(popover: Dismissable, board: HTMLElement): void {
  // Capture on window runs before the board's own listeners, so the press can be stopped there.
  addEventListener(
    "pointerdown",
    (e) => {
      const target = e.target as Node | null;
      if (!target || !popover.isOpen() || popover.owns(target)) return;
      popover.close();
      if (board.contains(target)) {
        e.stopPropagation();
        e.preventDefault();
      }
    },
    { capture: true },
  );
}

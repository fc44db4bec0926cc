/** A one-line hint in the middle of an empty board; it goes as soon as anything is drawn or being drawn. */
import { el } from "./dom.js";

export interface BoardState {
  /** Nothing on the board, confirmed or pending. */
  empty: boolean;
  /** A gesture is under way (the first stroke is being drawn). */
  busy: boolean;
  readOnly: boolean;
}

export class EmptyBoardHint {
  private text = "";

  constructor(private readonly el: HTMLElement) {}

  /** Cheap when nothing changed: called on every frame. */
  update(state: BoardState): void {
    const text = !state.empty || state.busy ? "" : state.readOnly ? "Nothing on this board yet." : this.invitation();
    if (text === this.text) return;
    this.text = text;
    this.el.hidden = text === "";
    if (text) this.render(text);
  }

  private invitation(): string {
    // Keyboard shortcuts mean nothing to a finger.
    return matchMedia("(any-pointer: fine)").matches ? "Draw anything · press ? for shortcuts" : "Draw anything with a finger or a pen";
  }

  private render(text: string): void {
    const [before, after] = text.split("?");
    if (after === undefined) {
      this.el.textContent = text;
      return;
    }
    this.el.replaceChildren(before, el("kbd", undefined, "?"), after);
  }
}

/** A standing notice at the top of the page, e.g. why the board is read-only for now. */
import { el } from "./dom.js";

export class NoticeBanner {
  private readonly node: HTMLElement;

  constructor(parent: HTMLElement) {
    this.node = el("div", "notice-banner");
    this.node.setAttribute("role", "status");
    this.node.hidden = true;
    parent.append(this.node);
  }

  /** Shows the message, or hides the banner when there is none. */
  show(message: string | undefined): void {
    this.node.textContent = message ?? "";
    this.node.hidden = !message;
  }
}

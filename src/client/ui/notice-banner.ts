/**
 * Standing notices at the top of the page: why the board is read-only for now,
 * that unsent work is not kept on this device. Each source sets or clears its
 * own; the banner shows what stands, one per line, and hides when nothing does.
 */
import { el } from "./dom.js";

export type NoticeSource = "read-only" | "unstored-work";

export class NoticeBanner {
  private readonly node: HTMLElement;
  private readonly messages = new Map<NoticeSource, string>();

  constructor(parent: HTMLElement) {
    this.node = el("div", "notice-banner");
    this.node.setAttribute("role", "status");
    this.node.hidden = true;
    parent.append(this.node);
  }

  /** Shows `source`'s message, or withdraws it when there is none. */
  show(source: NoticeSource, message: string | undefined): void {
    if (message) this.messages.set(source, message);
    else this.messages.delete(source);
    this.node.textContent = [...this.messages.values()].join("\n");
    this.node.hidden = this.messages.size === 0;
  }
}

/** Short, self-dismissing messages at the bottom of the screen. */
import { el } from "./dom.js";

const SHOW_MS = 3_200;
const MAX_VISIBLE = 3;

export type ToastKind = "info" | "error";

export class Toasts {
  constructor(private readonly container: HTMLElement) {}

  /** A message that stays, with a spinner, until the returned function is called (work under way). */
  progress(message: string): () => void {
    const toast = el("div", "toast progress", message);
    this.container.prepend(toast);
    return () => toast.remove();
  }

  show(message: string, kind: ToastKind = "info"): void {
    // The same message twice in a row (e.g. repeated refusals) is shown once.
    const newest = this.container.firstElementChild;
    if (newest?.textContent === message && !newest.classList.contains("leaving")) return;
    const toast = el("div", `toast ${kind}`, message);
    if (kind === "error") toast.setAttribute("role", "alert");
    this.container.prepend(toast);
    while (this.container.children.length > MAX_VISIBLE) this.container.lastElementChild?.remove();
    setTimeout(() => {
      toast.classList.add("leaving");
      setTimeout(() => toast.remove(), 300);
    }, SHOW_MS);
  }
}

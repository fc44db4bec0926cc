/** The shortcut sheet: `?` opens a dialog listing every shortcut; Escape, `?` or its close button shut it. */
import { isTypingIn } from "../input/shortcuts.js";
import { el } from "./dom.js";
import { SHORTCUT_ROWS } from "./shortcut-list.js";

export function installShortcutSheet(dialog: HTMLDialogElement, list: HTMLElement): void {
  const dl = el("dl");
  for (const row of SHORTCUT_ROWS) {
    const line = el("div", "shortcut-row");
    const keys = el("dt");
    row.keys.split(", ").forEach((k, i) => {
      if (i > 0) keys.append(" ");
      keys.append(el("kbd", undefined, k));
    });
    line.append(keys, el("dd", undefined, row.action));
    dl.append(line);
  }
  list.replaceChildren(dl);

  addEventListener("keydown", (e) => {
    // "?" is Shift+/ on many layouts and a key of its own on others: the character decides.
    if (e.key !== "?" || e.ctrlKey || e.metaKey || e.altKey || isTypingIn(e)) return;
    if (dialog.open) {
      e.preventDefault();
      dialog.close();
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    e.preventDefault();
    dialog.showModal();
  });
  // A press on the backdrop (outside the sheet's box) closes it, as on most sites.
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) {
      const r = dialog.getBoundingClientRect();
      const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      if (!inside) dialog.close();
    }
  });
}

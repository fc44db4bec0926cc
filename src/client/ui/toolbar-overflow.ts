/**
 * Keeps the toolbar on one row at any width: whatever does not fit moves, least
 * needed first, into the "More tools" menu, and comes back when there is room.
 * Elements move rather than being copied, so every action keeps one button, one
 * listener and one accessible name wherever it is shown.
 */
import { closeOnOutsidePress } from "./outside-press.js";

export interface OverflowElements {
  toolbar: HTMLElement;
  button: HTMLButtonElement;
  menu: HTMLElement;
  /** Presses here that close the menu must not reach the board. */
  board: HTMLElement;
  /** Told after each layout: what the toolbar shows may have changed places. */
  moved(): void;
}

/** Space kept between the menu and the screen's edges and the chrome around it. */
const GAP = 8;

interface Movable {
  el: HTMLElement;
  /** Marks the element's place in the toolbar while it is in the menu. */
  home: Comment;
  /** Document order, so the menu lists what it holds in toolbar order. */
  order: number;
  /** Single buttons share one row of the menu; groups bring their own. */
  single: boolean;
}

export class ToolbarOverflow {
  private readonly movables: Movable[];
  /** Row of the menu holding single tool buttons. */
  private readonly toolsRow: HTMLElement;

  /** `leaveOrder`: the toolbar's groups and buttons, the first to leave first. Call layout() once it is in place. */
  constructor(
    private readonly els: OverflowElements,
    leaveOrder: readonly HTMLElement[],
  ) {
    const all = [...els.toolbar.querySelectorAll("*")];
    this.movables = leaveOrder.map((el) => {
      const home = document.createComment(`toolbar place of ${el.id || el.getAttribute("aria-label") || el.dataset.tool}`);
      el.before(home);
      return { el, home, order: all.indexOf(el), single: !el.classList.contains("group") };
    });
    this.toolsRow = document.createElement("div");
    this.toolsRow.className = "group";
    this.toolsRow.setAttribute("role", "group");
    this.toolsRow.setAttribute("aria-label", "Tools");
    els.menu.append(this.toolsRow);

    els.button.addEventListener("click", () => this.toggle());
    // Picking a tool, colour, width, export or clear is done with the menu; undo and redo may be pressed again.
    els.menu.addEventListener("click", (e) => {
      const button = (e.target as Element).closest("button");
      if (button && !button.closest("#history-group")) this.toggle(false);
    });
    closeOnOutsidePress(
      { isOpen: () => this.isOpen, owns: (t) => els.menu.contains(t) || els.button.contains(t), close: () => this.toggle(false) },
      els.board,
    );
    addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || !this.isOpen) return;
      e.preventDefault();
      this.toggle(false);
    });
    addEventListener("resize", () => this.layout());
    // Glyph widths change once the fonts are in.
    void document.fonts?.ready.then(() => this.layout());
  }

  get isOpen(): boolean {
    return !this.els.menu.hidden;
  }

  /** Whether `el` is in the menu now (not on the toolbar's row). */
  holds(el: Element): boolean {
    return this.els.menu.contains(el);
  }

  /** Puts everything back, then moves out as little as makes the row fit. Call after anything changes its width. */
  layout(): void {
    this.toggle(false);
    for (const m of [...this.movables].reverse()) m.home.after(m.el);
    this.els.button.hidden = true;
    this.toolsRow.hidden = true;
    if (this.fits()) {
      this.els.moved();
      return;
    }
    this.els.button.hidden = false;
    for (const m of this.movables) {
      this.moveToMenu(m);
      if (this.fits()) break;
    }
    this.toolsRow.hidden = this.toolsRow.childElementCount === 0;
    // Everything in the menu may be hidden (a view-only board hides the editing tools).
    this.els.button.hidden = !this.movables.some((m) => this.holds(m.el) && getComputedStyle(m.el).display !== "none");
    this.els.moved();
  }

  private fits(): boolean {
    const t = this.els.toolbar;
    return t.scrollWidth <= t.clientWidth + 0.5;
  }

  private moveToMenu(m: Movable): void {
    const container = m.single ? this.toolsRow : this.els.menu;
    const rank = (el: Element): number => {
      if (el === this.toolsRow) return -1;
      return this.movables.find((x) => x.el === el)?.order ?? Infinity;
    };
    const after = [...container.children].find((c) => rank(c) > m.order);
    container.insertBefore(m.el, after ?? null);
  }

  private toggle(open = !this.isOpen): void {
    if (open === this.isOpen) return;
    this.els.menu.hidden = !open;
    this.els.button.setAttribute("aria-expanded", String(open));
    if (open) this.place();
    else if (this.els.menu.contains(document.activeElement)) this.els.button.focus();
  }

  /** Above the toolbar, its right edge under the More button's, never past the screen or over the top chrome. */
  private place(): void {
    const menu = this.els.menu;
    const bar = this.els.toolbar.getBoundingClientRect();
    const button = this.els.button.getBoundingClientRect();
    const top = Math.max(0, ...[...document.querySelectorAll(".corner")].map((c) => c.getBoundingClientRect().bottom)) + GAP;
    menu.style.maxHeight = `${Math.max(0, bar.top - GAP - top)}px`;
    menu.style.maxWidth = `${innerWidth - 2 * GAP}px`;
    menu.style.bottom = `${innerHeight - bar.top + GAP}px`;
    const width = menu.getBoundingClientRect().width;
    const left = Math.min(Math.max(GAP, button.right - width), innerWidth - GAP - width);
    menu.style.left = `${left}px`;
  }
}

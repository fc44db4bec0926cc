/**
 * The fill choice for rectangles and ellipses (none / translucent / solid):
 * three buttons in the width group (so the toolbar's "More tools" overflow moves
 * them with it; build this before the Toolbar lays itself out). Picking one sets
 * the drawing style (new shapes) and, with a selection, restyles it (board-page).
 */
import { FILL_CHOICES, type DrawingStyle } from "../tools/drawing-style.js";

export class FillPicker {
  private readonly buttons: HTMLButtonElement[] = [];

  constructor(widthGroup: HTMLElement, private readonly style: DrawingStyle) {
    const group = document.createElement("span");
    group.id = "fills";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Fill");
    group.style.display = "contents";
    for (const choice of FILL_CHOICES) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "tool fill-choice";
      b.dataset.fill = choice.fill;
      b.setAttribute("aria-label", choice.name);
      b.title = `${choice.name} (rectangles and ellipses)`;
      const swatch = document.createElement("span");
      swatch.className = "fill-swatch";
      // Drawn with inline styles so the layout's stylesheet need not know it.
      Object.assign(swatch.style, {
        display: "inline-block",
        width: "14px",
        height: "14px",
        borderRadius: "3px",
        border: "2px solid currentColor",
        background: choice.fill === "none" ? "transparent" : "currentColor",
        opacity: choice.fill === "translucent" ? "0.45" : "1",
      });
      b.append(swatch);
      b.addEventListener("click", () => style.setFill(choice.fill));
      group.append(b);
      this.buttons.push(b);
    }
    widthGroup.append(group);
    style.onChange(() => this.render());
    this.render();
  }

  private render(): void {
    for (const b of this.buttons) b.setAttribute("aria-pressed", String(b.dataset.fill === this.style.fill));
  }
}

/** The toolbar: tool buttons, colour swatches, widths, undo/redo, export and clear. */
import type { ToolId } from "../tools/tool.js";
import { PALETTE, WIDTHS, type DrawingStyle } from "../tools/drawing-style.js";
import { el } from "./dom.js";
import { ToolbarOverflow } from "./toolbar-overflow.js";

export interface ToolbarActions {
  selectTool(id: ToolId): void;
  /** A colour or width picked now restyles a selection (so the tool stays). */
  stylesSelection(): boolean;
  undo(): void;
  redo(): void;
  exportPng(): void;
  exportSvg(): void;
  clear(): void;
  /** Paint order (issue 13): the selection to the front or the back. */
  arrange(where: "front" | "back"): void;
  /** The selection onto the system clipboard (Ctrl+C without a keyboard). */
  copy(): void;
  /** What the system clipboard holds, onto the board (Ctrl+V without a keyboard). */
  paste(): void;
  /** The selection's copies beside it, selected (Ctrl+D without a keyboard). */
  duplicate(): void;
  /** Removes the selection (Delete without a keyboard). */
  deleteSelection(): void;
}

/** Tools that use the colour and width; picking a colour or width while another tool is active switches to the pen. */
const STYLED_TOOLS: ReadonlySet<ToolId> = new Set<ToolId>(["pen", "line", "arrow", "rect", "ellipse", "text"]);
/** Tools that only look (allowed on a view-only board). */
const VIEW_TOOLS: ReadonlySet<ToolId> = new Set<ToolId>(["hand"]);

export class Toolbar {
  private readonly toolButtons: HTMLButtonElement[];
  private readonly swatches: HTMLButtonElement[] = [];
  private readonly widthButtons: HTMLButtonElement[] = [];
  private readonly undoButton: HTMLButtonElement;
  private readonly redoButton: HTMLButtonElement;
  private readonly editButtons: HTMLButtonElement[];
  private readonly moreButton: HTMLButtonElement;
  private readonly overflow: ToolbarOverflow;
  private readonly palette: HTMLElement;
  private tool: ToolId = "pen";
  private readOnly = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly style: DrawingStyle,
    actions: ToolbarActions,
  ) {
    this.toolButtons = [...root.querySelectorAll<HTMLButtonElement>("button[data-tool]")];
    for (const b of this.toolButtons) b.addEventListener("click", () => actions.selectTool(b.dataset.tool as ToolId));

    const palette = (this.palette = root.querySelector<HTMLElement>("#palette")!);
    PALETTE.forEach((s, i) => {
      const b = el("button", "swatch");
      b.type = "button";
      b.setAttribute("aria-label", s.name);
      b.title = `${s.name} (${i + 1})`;
      b.style.setProperty("--swatch", s.color);
      b.dataset.color = s.color;
      b.append(el("span"));
      b.addEventListener("click", () => {
        style.setColor(s.color);
        if (!STYLED_TOOLS.has(this.tool) && !actions.stylesSelection()) actions.selectTool("pen");
      });
      palette.append(b);
      this.swatches.push(b);
    });

    const widths = root.querySelector<HTMLElement>("#widths")!;
    for (const w of WIDTHS) {
      const b = el("button", "tool");
      b.type = "button";
      b.setAttribute("aria-label", `${w.name} (${w.width} px lines, ${w.fontSize} px text)`);
      b.title = `${w.name}: ${w.width} px lines, ${w.fontSize} px text ([ and ] to change)`;
      b.dataset.width = String(w.width);
      const dot = el("span", "width-dot");
      const size = `${Math.max(4, Math.round(4 * (w.width / 2) ** 0.7))}px`;
      dot.style.width = size;
      dot.style.height = size;
      b.append(dot);
      b.addEventListener("click", () => {
        style.setWidth(w.width);
        if (!STYLED_TOOLS.has(this.tool) && !actions.stylesSelection()) actions.selectTool("pen");
      });
      widths.append(b);
      this.widthButtons.push(b);
    }

    this.undoButton = root.querySelector<HTMLButtonElement>("#undo")!;
    this.redoButton = root.querySelector<HTMLButtonElement>("#redo")!;
    this.undoButton.addEventListener("click", () => actions.undo());
    this.redoButton.addEventListener("click", () => actions.redo());
    const clearButton = root.querySelector<HTMLButtonElement>("#clear")!;
    root.querySelector<HTMLButtonElement>("#export")!.addEventListener("click", () => actions.exportPng());
    root.querySelector<HTMLButtonElement>("#export-svg")!.addEventListener("click", () => actions.exportSvg());
    clearButton.addEventListener("click", () => actions.clear());
    const editTools = this.toolButtons.filter((b) => !VIEW_TOOLS.has(b.dataset.tool as ToolId));
    // The selection group: what a selection (and the clipboard) can do without a keyboard.
    const selectionButton = (id: string, run: () => void): HTMLButtonElement => {
      const b = root.querySelector<HTMLButtonElement>(`#${id}`)!;
      b.addEventListener("click", run);
      return b;
    };
    const selectionButtons = [
      selectionButton("copy-selection", () => actions.copy()),
      selectionButton("paste-clipboard", () => actions.paste()),
      selectionButton("duplicate-selection", () => actions.duplicate()),
      selectionButton("delete-selection", () => actions.deleteSelection()),
      selectionButton("bring-to-front", () => actions.arrange("front")),
      selectionButton("send-to-back", () => actions.arrange("back")),
    ];
    this.editButtons = [...editTools, ...this.swatches, ...this.widthButtons, clearButton, ...selectionButtons];

    this.moreButton = root.querySelector<HTMLButtonElement>("#more-tools")!;
    const tool = (id: ToolId): HTMLElement => this.toolButtons.find((b) => b.dataset.tool === id)!;
    const group = (id: string): HTMLElement => root.querySelector<HTMLElement>(`#${id}`)!;
    this.overflow = new ToolbarOverflow(
      {
        toolbar: root,
        button: this.moreButton,
        menu: document.getElementById("more-tools-menu")!,
        board: document.getElementById("board")!,
        moved: () => this.render(),
      },
      // Least needed first: exports and clear, the selection's actions (all have shortcuts), widths and colours (they have shortcuts), the rarer tools; pen, hand and undo stay longest.
      [
        group("board-group"),
        group("arrange-group"),
        widths,
        palette,
        tool("ellipse"),
        tool("arrow"),
        tool("line"),
        tool("eraser"),
        tool("text"),
        tool("rect"),
        tool("select"),
        group("history-group"),
      ],
    );

    style.onChange(() => this.render());
    this.overflow.layout(); // renders, too
  }

  /** Tools usable now (a view-only board only pans and zooms). */
  allows(id: ToolId): boolean {
    return !this.readOnly || VIEW_TOOLS.has(id);
  }

  setTool(id: ToolId): void {
    this.tool = id;
    this.render();
  }

  setHistory(canUndo: boolean, canRedo: boolean): void {
    this.undoButton.disabled = this.readOnly || !canUndo;
    this.redoButton.disabled = this.readOnly || !canRedo;
  }

  /**
   * A view-only session keeps hand, zoom, export and share; the editing tools are
   * disabled and hidden (`read-only` on <body>: the CSS hides `.edit-only` and shows
   * the "View only" badge).
   */
  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    for (const b of this.editButtons) b.disabled = readOnly;
    this.undoButton.disabled ||= readOnly;
    this.redoButton.disabled ||= readOnly;
    document.body.classList.toggle("read-only", readOnly);
    this.overflow.layout();
    this.render();
  }

  private render(): void {
    for (const b of this.toolButtons) b.setAttribute("aria-pressed", String(b.dataset.tool === this.tool));
    for (const b of this.swatches) b.setAttribute("aria-pressed", String(b.dataset.color === this.style.color));
    for (const b of this.widthButtons) b.setAttribute("aria-pressed", String(Number(b.dataset.width) === this.style.width));
    // On the page, not the toolbar: the "More tools" menu shows the width dots too.
    document.documentElement.style.setProperty("--current-color", this.style.color);
    // A tool picked from the menu shows on its button, so the toolbar still says which tool is on.
    const current = this.toolButtons.find((b) => b.dataset.tool === this.tool);
    this.moreButton.classList.toggle("holds-current", !!current && this.overflow.holds(current));
    // With the colours in the menu, its button shows the current one.
    this.moreButton.classList.toggle("holds-palette", this.overflow.holds(this.palette));
  }
}

/** Saving the board as a file: PNG (rendered here) or SVG (the shared renderer the server uses too). */
import type { Item } from "../../shared/protocol.js";
import { renderSvg } from "../../shared/svg-export.js";
import { download, exportPng } from "../canvas/png-export.js";

const EXPORT_BACKGROUND = "#ffffff";
const NOTHING = "Nothing to export yet: draw something first.";

export class BoardExport {
  constructor(
    private readonly boardId: string,
    private readonly items: () => readonly Item[],
    private readonly notify: (message: string) => void,
  ) {}

  async png(): Promise<void> {
    const blob = await exportPng(this.items(), EXPORT_BACKGROUND);
    if (!blob) return this.notify(NOTHING);
    download(blob, `meshboard-${this.boardId}.png`);
    this.notify("Exported as PNG.");
  }

  svg(): void {
    const items = this.items();
    if (items.length === 0) return this.notify(NOTHING);
    const svg = renderSvg(items, { background: EXPORT_BACKGROUND });
    download(new Blob([svg], { type: "image/svg+xml" }), `meshboard-${this.boardId}.svg`);
    this.notify("Exported as SVG.");
  }
}

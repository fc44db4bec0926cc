/** Saving the board as a file: PNG (rendered here) or SVG (the shared renderer the server uses too). */
import type { Item } from "../../shared/protocol.js";
import { renderSvg } from "../../shared/svg-export.js";
import { download, exportPng } from "../canvas/png-export.js";

const EXPORT_BACKGROUND = "#ffffff";
const NOTHING = "Nothing to export yet: draw something first.";

export interface ExportFeedback {
  notify(message: string): void;
  /** Shows a message while work is under way; the returned function takes it away. */
  progress(message: string): () => void;
}

export class BoardExport {
  /** A PNG is being made: a second press waits for it rather than starting another. */
  private exporting = false;

  constructor(
    private readonly boardId: string,
    private readonly items: () => readonly Item[],
    private readonly feedback: ExportFeedback,
  ) {}

  async png(): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    const done = this.feedback.progress("Exporting PNG…");
    let blob: Blob | null;
    try {
      // Let the progress message paint before the drawing takes the main thread.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      blob = await exportPng(this.items(), EXPORT_BACKGROUND);
    } finally {
      done();
      this.exporting = false;
    }
    if (!blob) return this.feedback.notify(NOTHING);
    download(blob, `meshboard-${this.boardId}.png`);
    this.feedback.notify("Exported as PNG.");
  }

  svg(): void {
    const items = this.items();
    if (items.length === 0) return this.feedback.notify(NOTHING);
    const svg = renderSvg(items, { background: EXPORT_BACKGROUND });
    download(new Blob([svg], { type: "image/svg+xml" }), `meshboard-${this.boardId}.svg`);
    this.feedback.notify("Exported as SVG.");
  }
}

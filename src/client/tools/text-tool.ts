/**
 * Text: click to place a text and type; click an existing text to edit it. The
 * text is committed when the field closes: a new one as an `add`, a changed one
 * as an `edit`, an emptied one as a `remove` (each one undo step).
 */
import { itemHit } from "../board/item-geometry.js";
import { LIMITS } from "../../shared/protocol-constants.js";
import { defaultWrapWidth } from "../../shared/item-layout.js";
import type { Text } from "../../shared/protocol.js";
import type { Point } from "../canvas/viewport.js";
import { randomId } from "../../shared/ids.js";
import type { TextField } from "../ui/text-field.js";
import { quantize } from "./board-coordinates.js";
import type { Tool, ToolHost } from "./tool.js";

export class TextTool implements Tool {
  readonly id = "text" as const;
  readonly cursor = "text";
  readonly edits = true;

  constructor(
    private readonly host: ToolHost,
    private readonly field: TextField,
  ) {}

  down(p: Point): void {
    // A click while a text is open only closes it (as a click elsewhere does everywhere).
    if (this.field.open) {
      this.field.commit();
      return;
    }
    const items = this.host.board.items();
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item.kind === "text" && itemHit(item, p.x, p.y, 2 / this.host.viewport.zoom)) {
        this.edit(item);
        return;
      }
    }
    this.create(p);
  }

  move(): void {}

  up(): void {}

  cancel(): void {}

  deactivate(): void {
    this.field.commit();
  }

  /** Opens the field on an existing text. */
  edit(item: Text): void {
    this.host.hideItems(new Set([item.id]));
    this.field.show({
      x: item.x,
      y: item.y,
      size: item.size,
      color: item.color,
      text: item.text,
      wrapWidth: () => item.w,
      full: () => this.tooLong(),
      changed: (text) => this.preview({ ...item, text }),
      done: (text) => {
        this.clearPreview();
        this.host.hideItems(null);
        const g = this.host.editor.gesture();
        if (text === "") g.remove([item.id]);
        else g.edit(item.id, item.text, text);
        g.end();
      },
    });
  }

  private create(p: Point): void {
    const { color, fontSize: size } = this.host.style;
    // The click lands in the middle of the first line, where the caret shows.
    const x = quantize(p.x);
    const y = quantize(p.y - size * 0.6);
    // The preview and the committed text are one item: peers drop the preview when its `add` arrives.
    const id = randomId(16);
    this.field.show({
      x,
      y,
      size,
      color,
      text: "",
      // A long new text wraps at a default width rather than running on as one line.
      wrapWidth: (text) => defaultWrapWidth({ text, size }),
      changed: (text) => this.preview(withWrap({ kind: "text", id, color, size, x, y, text })),
      full: () => this.tooLong(),
      done: (text) => {
        this.clearPreview();
        if (text === "") return;
        const item: Text = withWrap({ kind: "text", id, color, size, x, y, text });
        const g = this.host.editor.gesture();
        g.add(item);
        g.end();
      },
    });
  }

  /** Others see the text as it is typed (control characters are theirs to ignore: it is only drawn). */
  private preview(item: Text): void {
    this.host.sendPreview({ kind: "text", item: { ...item, text: item.text.slice(0, LIMITS.maxTextLength) } });
  }

  private clearPreview(): void {
    this.host.sendPreview({ kind: "clear", of: "text" });
  }

  private tooLong(): void {
    this.host.notify("That's as long as a text can be. Add another text to say more.");
  }
}

/** The text with the default wrap width a new text gets (none for a short one). */
function withWrap(t: Text): Text {
  const w = defaultWrapWidth(t);
  return w === undefined ? t : { ...t, w };
}

/**
 * Copy, cut and paste through the system clipboard, with the document's
 * clipboard events (Ctrl/Cmd+C, X, V and the browser's menu): their clipboardData
 * needs no permission prompt. Copy puts the selection on the clipboard
 * (clipboard-codec.ts); cut does that and removes it (one undo step); paste adds
 * checked copies with new ids (one undo step) and selects them, or makes a text
 * item of plain text from another app. In a text field the browser's own
 * clipboard handling stays untouched.
 *
 * Without a keyboard (touch), the toolbar's Copy and Paste buttons do the same
 * through the asynchronous Clipboard API (`commands`): writing needs only the
 * button's tap; reading may make the browser ask the person first.
 */
import type { Item, Text } from "../../shared/protocol.js";
import { randomId } from "../../shared/ids.js";
import type { BoardEditor } from "../board/board-editor.js";
import type { DisplayedBoard } from "../board/displayed-board.js";
import type { Point, Rect } from "../canvas/viewport.js";
import type { DrawingStyle } from "../tools/drawing-style.js";
import { carriesItems, CLIP_TYPE, decodeClip, encodeClip, MAX_CLIP_CHARS, TOO_MUCH_TO_PASTE, type ClipReader } from "./clipboard-codec.js";
import { pastedCopies, pasteShift } from "./paste-placement.js";

export interface ClipboardHost {
  readonly editor: BoardEditor;
  readonly board: DisplayedBoard;
  readonly style: DrawingStyle;
  /** Selected items, in paint order (empty unless the select tool holds a selection). */
  selection(): Item[];
  /** Picks the select tool with these items selected. */
  select(ids: string[]): void;
  /** The board area in view. */
  view(): Rect;
  /** Where the pointer is over the board (null: not over it). */
  pointer(): Point | null;
  /** Items the board can still take. */
  room(): number;
  notify(message: string, kind: "info" | "error"): void;
}

/** What the toolbar's Copy and Paste buttons do (a touch user's Ctrl+C and Ctrl+V). */
export interface ClipboardCommands {
  copy(): Promise<void>;
  paste(): Promise<void>;
}

/** What else to try when the browser refuses the Clipboard API (these buttons show on touch screens). */
const OTHERWISE = "allow it when the browser asks, or use Ctrl+C and Ctrl+V (⌘C, ⌘V) on a keyboard";

export function installClipboard(host: ClipboardHost): ClipboardCommands {
  /** The last paste's clipboard data and how often it was pasted, so repeated pastes fan out. */
  let last: { data: string; repeats: number } | null = null;

  const copy = (e: ClipboardEvent, cut: boolean): void => {
    if (!ours(e)) return;
    const items = host.selection();
    if (items.length === 0) return;
    e.preventDefault();
    for (const [type, data] of Object.entries(encodeClip(items))) e.clipboardData.setData(type, data);
    if (!cut) return;
    if (host.editor.readOnly) return host.notify("This board is view-only: copied, not cut.", "info");
    const g = host.editor.gesture();
    g.remove(items.map((i) => i.id));
    g.end();
    host.select([]);
  };

  const paste = (e: ClipboardEvent): void => {
    if (!ours(e)) return;
    const data = e.clipboardData;
    e.preventDefault();
    pasteFrom((type) => data.getData(type));
  };

  const pasteFrom = (read: ClipReader): void => {
    if (host.editor.readOnly) return host.notify("This board is view-only.", "info");
    const pasted = decodeClip(read);
    switch (pasted.kind) {
      case "nothing":
        return host.notify("There is nothing on the clipboard that can be pasted here (items or text).", "info");
      case "refused":
        return host.notify(pasted.message, "error");
      case "text":
        return pasteText(pasted.text);
      case "items": {
        const { items } = pasted;
        if (items.length > host.room()) return host.notify(`This board has room for ${Math.max(0, host.room())} more items; nothing was pasted.`, "error");
        const key = JSON.stringify(items);
        const repeats = last?.data === key ? last.repeats + 1 : 0;
        const shift = pasteShift(items, { originalsHere: items.every((i) => host.board.isVisible(i.id)), repeats, view: host.view() });
        if (!shift) return host.notify("Those items would land off the board's edge; nothing was pasted.", "error");
        last = { data: key, repeats };
        add(pastedCopies(items, shift, () => randomId(16)));
      }
    }
  };

  const pasteText = (text: string): void => {
    if (host.room() < 1) return host.notify("This board is full; nothing was pasted.", "error");
    const v = host.view();
    const at = host.pointer() ?? { x: (v.minX + v.maxX) / 2, y: (v.minY + v.maxY) / 2 };
    const item: Text = { kind: "text", id: randomId(16), color: host.style.color, size: host.style.fontSize, x: Math.round(at.x), y: Math.round(at.y), text };
    add([item]);
  };

  const add = (items: Item[]): void => {
    const g = host.editor.gesture();
    for (const item of items) g.add(item);
    g.end();
    host.select(items.map((i) => i.id));
  };

  document.addEventListener("copy", (e) => copy(e, false));
  document.addEventListener("cut", (e) => copy(e, true));
  document.addEventListener("paste", paste);

  return {
    async copy() {
      const items = host.selection();
      if (items.length === 0) return host.notify("Select something first (V), then copy it.", "info");
      // The custom type stays out: the asynchronous API writes only standard types, and text/html carries the items.
      const blobs = Object.entries(encodeClip(items))
        .filter(([type]) => type !== CLIP_TYPE)
        .map(([type, data]) => [type, new Blob([data], { type })] as const);
      try {
        await navigator.clipboard.write([new ClipboardItem(Object.fromEntries(blobs))]);
      } catch {
        return host.notify(`The browser did not let meshboard copy: ${OTHERWISE}.`, "error");
      }
      host.notify(`Copied ${items.length === 1 ? "1 item" : `${items.length} items`}.`, "info");
    },
    async paste() {
      if (host.editor.readOnly) return host.notify("This board is view-only.", "info");
      let data: Map<string, string>;
      try {
        data = await readClipboard();
      } catch (err) {
        const message = err instanceof TooMuch ? TOO_MUCH_TO_PASTE : `The browser did not let meshboard read the clipboard: ${OTHERWISE}.`;
        return host.notify(message, "error");
      }
      pasteFrom((type) => data.get(type) ?? "");
    },
  };
}

class TooMuch extends Error {}

/**
 * What the system clipboard holds that a paste reads, through the asynchronous
 * Clipboard API: its first item's HTML, and its plain text unless the HTML
 * carries copied items (the text is then only their summary).
 */
async function readClipboard(): Promise<Map<string, string>> {
  const data = new Map<string, string>();
  const [first] = await navigator.clipboard.read();
  for (const type of ["text/html", "text/plain"]) {
    if (!first?.types.includes(type) || carriesItems(data.get("text/html") ?? "")) continue;
    const blob = await first.getType(type);
    // A UTF-16 unit takes at most 3 bytes of UTF-8: a larger blob is over the limit however it decodes.
    if (blob.size > MAX_CLIP_CHARS * 3) throw new TooMuch();
    data.set(type, await blob.text());
  }
  return data;
}

/** The event is the board's: not in a text field or a dialog (there the browser copies and pastes text). */
function ours(e: ClipboardEvent): e is ClipboardEvent & { clipboardData: DataTransfer } {
  if (!e.clipboardData || e.defaultPrevented) return false;
  if (document.querySelector("dialog[open]")) return false;
  const t = e.target instanceof HTMLElement ? e.target : document.activeElement;
  return !(t instanceof HTMLElement && (t.isContentEditable || t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT"));
}

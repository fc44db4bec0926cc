/**
 * The SVG pictures of boards for GET /b/<id>.svg, made in slices and shared:
 * concurrent requests for the same board at the same head wait for one render,
 * and the last pictures made are kept (bounded in bytes) until their board
 * changes. A render folds the board page by page (bounded pages, page-reader.ts)
 * and writes the SVG item by item, letting the event loop turn every few
 * milliseconds, and stops once the picture passes SVG_MAX_BYTES: a picture that
 * large is refused, not sent.
 */
import type { Item } from "../../shared/protocol.js";
import { BoardModel } from "../../shared/board-model.js";
import { growToInclude, itemBounds, type Rect } from "../../shared/item-layout.js";
import { SVG_CLOSING, renderItem, svgOpening, type SvgOptions } from "../../shared/svg-export.js";
import type { BoardService } from "../board/board-service.js";
import { WorkSlice } from "../board/work-slices.js";

/** Largest SVG the route makes (characters; all ASCII but what texts hold). */
export const SVG_MAX_BYTES = 64 * 1024 * 1024;
/** Pictures kept after their render, all boards together. */
const CACHE_BYTES = 32 * 1024 * 1024;
/** The picture is handed out in pieces of about this size (a stream, never one huge string). */
const CHUNK_CHARS = 64 * 1024;

export type Picture =
  | { head: number; tooLarge: false; chunks: readonly string[]; bytes: number }
  | { head: number; tooLarge: true; bytes: number };

interface Entry {
  head: number | undefined;
  picture: Promise<Picture>;
  bytes: number;
}

export class BoardPictures {
  /** Renders under way and pictures kept, by board; Map order is recency. */
  private readonly entries = new Map<string, Entry>();
  private cachedBytes = 0;

  constructor(
    private readonly boards: BoardService,
    private readonly options: SvgOptions,
    private readonly maxBytes = SVG_MAX_BYTES,
  ) {}

  /** The board's picture at `head` (its current head, read by the caller): shared with whoever asked for the same. */
  picture(boardId: string, head: number): Promise<Picture> {
    const known = this.entries.get(boardId);
    if (known && (known.head === undefined || known.head >= head)) {
      // Most recently used last.
      this.entries.delete(boardId);
      this.entries.set(boardId, known);
      return known.picture;
    }
    if (known) this.drop(boardId, known);
    const entry: Entry = { head: undefined, picture: this.render(boardId), bytes: 0 };
    this.entries.set(boardId, entry);
    entry.picture.then(
      (p) => {
        if (this.entries.get(boardId) !== entry) return;
        entry.head = p.head;
        entry.bytes = p.tooLarge ? 0 : p.bytes;
        this.cachedBytes += entry.bytes;
        this.evict();
      },
      () => {
        if (this.entries.get(boardId) === entry) this.entries.delete(boardId);
      },
    );
    return entry.picture;
  }

  private drop(boardId: string, entry: Entry): void {
    this.entries.delete(boardId);
    this.cachedBytes -= entry.bytes;
  }

  private evict(): void {
    for (const [boardId, entry] of this.entries) {
      if (this.cachedBytes <= CACHE_BYTES) return;
      if (entry.head !== undefined) this.drop(boardId, entry);
    }
  }

  private async render(boardId: string): Promise<Picture> {
    const slice = new WorkSlice();
    const model = new BoardModel();
    for (;;) {
      const page = await this.boards.read(boardId, model.head);
      if (page.snapshot !== undefined) {
        // A compacted board: start from its snapshot, then the ops after it.
        const snap = await this.boards.snapshot(boardId);
        if (!snap || snap.seq <= model.head) break;
        model.load(snap.seq, snap.opId, snap.items);
        continue;
      }
      for (const s of page.ops) model.apply(s);
      await slice.maybeYield();
      if (!page.more || page.ops.length === 0) break;
    }
    const items = model.visibleItems();
    const bounds = await sliced(slice, items);
    const chunks: string[] = [];
    let chunk = svgOpening(bounds, this.options).join("\n");
    let bytes = chunk.length;
    for (const item of items) {
      const line = renderItem(item);
      bytes += line.length + 1;
      if (bytes > this.maxBytes) return { head: model.head, tooLarge: true, bytes };
      chunk += "\n" + line;
      if (chunk.length >= CHUNK_CHARS) {
        chunks.push(chunk);
        chunk = "";
      }
      await slice.maybeYield();
    }
    chunks.push(chunk + "\n" + SVG_CLOSING);
    return { head: model.head, tooLarge: false, chunks, bytes: bytes + SVG_CLOSING.length + 1 };
  }
}

/** unionBounds, item by item in slices (a stroke's bounds walk all its points). */
async function sliced(slice: WorkSlice, items: readonly Item[]): Promise<Rect | null> {
  if (items.length === 0) return null;
  const u: Rect = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const item of items) {
    growToInclude(u, itemBounds(item));
    await slice.maybeYield();
  }
  return u;
}

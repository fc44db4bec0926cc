/**
 * Draws other people's live previews on the live layer: the shape they drag,
 * the text they type, ghosts of the items they move or resize, and their selection
 * outlined in their colour. The state itself is src/shared/client/preview-state.ts.
 */
import { translateItem } from "../../shared/item-layout.js";
import { scaleItem } from "../../shared/item-transform.js";
import type { Item } from "../../shared/protocol.js";
import type { PreviewState } from "../../shared/client/preview-state.js";
import { itemBounds, unionBounds } from "../board/item-geometry.js";
import { paintItem } from "./item-painters.js";

export interface PreviewLookups {
  /** A visible item by id (undefined: not on this board, or hidden). */
  item(id: string): Item | undefined;
  /** The author's presence colour. */
  colorOf(sessionId: string): string;
  zoom(): number;
}

/** Ghosts of moved items are drawn this opaque: the originals stay where the board has them. */
const GHOST_ALPHA = 0.5;

export function drawPeerPreviews(ctx: CanvasRenderingContext2D, state: PreviewState, look: PreviewLookups): void {
  const zoom = look.zoom();
  for (const { sessionId, preview } of state.entries()) {
    switch (preview.kind) {
      case "shape":
        paintItem(ctx, preview.item);
        break;
      case "text":
        if (preview.item.text !== "") paintItem(ctx, preview.item);
        outline(ctx, look.colorOf(sessionId), zoom, preview.item.text === "" ? null : itemBounds(preview.item), true);
        break;
      case "move": {
        ctx.save();
        ctx.globalAlpha = GHOST_ALPHA;
        for (const id of preview.itemIds) {
          const item = look.item(id);
          if (item) paintItem(ctx, translateItem(item, preview.dx, preview.dy));
        }
        ctx.restore();
        break;
      }
      case "transform": {
        ctx.save();
        ctx.globalAlpha = GHOST_ALPHA;
        for (const id of preview.itemIds) {
          const item = look.item(id);
          const scaled = item && scaleItem(item, preview);
          if (scaled) paintItem(ctx, scaled);
        }
        ctx.restore();
        break;
      }
      case "selection": {
        const items = preview.itemIds.map((id) => look.item(id)).filter((i): i is Item => i !== undefined);
        outline(ctx, look.colorOf(sessionId), zoom, unionBounds(items), false);
        break;
      }
    }
  }
}

function outline(ctx: CanvasRenderingContext2D, color: string, zoom: number, r: ReturnType<typeof unionBounds>, dashed: boolean): void {
  if (!r) return;
  const pad = 6 / zoom;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2 / zoom;
  if (dashed) ctx.setLineDash([4 / zoom, 3 / zoom]);
  ctx.strokeRect(r.minX - pad, r.minY - pad, r.maxX - r.minX + 2 * pad, r.maxY - r.minY + 2 * pad);
  ctx.restore();
}

/** Renders the whole drawing (not just the view) to a PNG on a light background. */
import type { Item } from "../../shared/protocol.js";
import { unionBounds } from "../board/item-geometry.js";
import { paintItem } from "./item-painters.js";

const PADDING = 32;
/** Small boards export at twice their size, crisp on HiDPI screens. */
const SCALE = 2;
/**
 * Bigger boards scale down to stay under this many pixels: rasterising and PNG-encoding
 * cost grows with the pixels, and a 1,000-item board of 4,000 x 2,500 px at 1.75x (the old
 * 32 MP limit) took 1.6-2.2 s in headless Chromium; at 6 MP it takes 0.3-0.5 s on a loaded machine.
 * SVG export keeps every detail at any size.
 */
const MAX_PIXELS = 6_000_000;
/** Browsers refuse canvases with a longer side. */
const MAX_SIDE = 16_000;

export function exportPng(items: readonly Item[], background: string): Promise<Blob | null> {
  const bounds = unionBounds(items);
  if (!bounds) return Promise.resolve(null);
  const w = bounds.maxX - bounds.minX + PADDING * 2;
  const h = bounds.maxY - bounds.minY + PADDING * 2;
  const scale = Math.min(SCALE, MAX_SIDE / w, MAX_SIDE / h, Math.sqrt(MAX_PIXELS / (w * h)));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.ceil(w * scale));
  canvas.height = Math.max(1, Math.ceil(h * scale));
  const ctx = canvas.getContext("2d");
  if (!ctx) return Promise.resolve(null);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(scale, 0, 0, scale, (PADDING - bounds.minX) * scale, (PADDING - bounds.minY) * scale);
  for (const item of items) paintItem(ctx, item);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * How each kind of board item is drawn. The renderer dispatches on `item.kind`;
 * a new kind (shape, text) adds a painter here and TypeScript insists on it.
 */
import type { Item, Stroke } from "../../shared/protocol.js";
import { traceSmooth } from "./stroke-path.js";

type ItemOfKind<K extends Item["kind"]> = Extract<Item, { kind: K }>;
type Painter<K extends Item["kind"]> = (ctx: CanvasRenderingContext2D, item: ItemOfKind<K>) => void;

const painters: { [K in Item["kind"]]: Painter<K> } = {
  stroke: paintStroke,
};

export function paintItem(ctx: CanvasRenderingContext2D, item: Item): void {
  (painters[item.kind] as Painter<Item["kind"]>)(ctx, item);
}

// Items are immutable once created, so their paths can be built once and reused.
const strokePaths = new WeakMap<Stroke, Path2D>();

function paintStroke(ctx: CanvasRenderingContext2D, s: Stroke): void {
  let path = strokePaths.get(s);
  if (!path) {
    path = new Path2D();
    if (s.points.length === 2) path.arc(s.points[0], s.points[1], s.width / 2, 0, Math.PI * 2);
    else traceSmooth(path, s.points);
    strokePaths.set(s, path);
  }
  if (s.points.length === 2) {
    ctx.fillStyle = s.color;
    ctx.fill(path);
    return;
  }
  ctx.strokeStyle = s.color;
  ctx.lineWidth = s.width;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.stroke(path);
}

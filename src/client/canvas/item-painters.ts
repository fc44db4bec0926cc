/**
 * How each kind of board item is drawn. The renderer dispatches on `item.kind`;
 * a new kind adds a painter here and TypeScript insists on it. Text is drawn with
 * fillText: whatever someone typed is pixels, never markup.
 */
import { TEXT_FONT_FAMILY, TEXT_LINE_HEIGHT, arrowHead, shapeBox, textLines } from "../../shared/item-layout.js";
import type { Item, Shape, Stroke, Text } from "../../shared/protocol.js";
import { fillOpacity } from "../../shared/item-style.js";
import { traceSmooth } from "./stroke-path.js";

type ItemOfKind<K extends Item["kind"]> = Extract<Item, { kind: K }>;
type Painter<K extends Item["kind"]> = (ctx: CanvasRenderingContext2D, item: ItemOfKind<K>) => void;

const painters: { [K in Item["kind"]]: Painter<K> } = {
  stroke: paintStroke,
  shape: paintShape,
  text: paintText,
};

export function paintItem(ctx: CanvasRenderingContext2D, item: Item): void {
  (painters[item.kind] as Painter<Item["kind"]>)(ctx, item);
}

// Items are immutable once created (a move makes a new one), so their paths can be built once and reused.
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
  setLine(ctx, s.color, s.width);
  ctx.stroke(path);
}

export function paintShape(ctx: CanvasRenderingContext2D, s: Shape): void {
  setLine(ctx, s.color, s.width);
  ctx.beginPath();
  switch (s.shape) {
    case "line":
      ctx.moveTo(s.x1, s.y1);
      ctx.lineTo(s.x2, s.y2);
      break;
    case "arrow": {
      const [lx, ly, rx, ry] = arrowHead(s);
      ctx.moveTo(s.x1, s.y1);
      ctx.lineTo(s.x2, s.y2);
      ctx.moveTo(lx, ly);
      ctx.lineTo(s.x2, s.y2);
      ctx.lineTo(rx, ry);
      break;
    }
    case "rect": {
      const b = shapeBox(s);
      ctx.rect(b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY);
      break;
    }
    case "ellipse": {
      const b = shapeBox(s);
      ctx.ellipse((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, (b.maxX - b.minX) / 2, (b.maxY - b.minY) / 2, 0, 0, Math.PI * 2);
      break;
    }
  }
  const opacity = s.shape === "rect" || s.shape === "ellipse" ? fillOpacity(s.fill) : 0;
  if (opacity > 0) {
    ctx.save();
    ctx.globalAlpha *= opacity;
    ctx.fillStyle = s.color;
    ctx.fill();
    ctx.restore();
  }
  ctx.stroke();
}

function paintText(ctx: CanvasRenderingContext2D, t: Text): void {
  ctx.fillStyle = t.color;
  ctx.font = `${t.size}px ${TEXT_FONT_FAMILY}`;
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  const lineHeight = t.size * TEXT_LINE_HEIGHT;
  textLines(t).forEach((line, i) => ctx.fillText(line, t.x, t.y + i * lineHeight));
}

function setLine(ctx: CanvasRenderingContext2D, color: string, width: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
}

/**
 * A board's items as one standalone SVG document: the client's "Export SVG" and
 * the server's `GET /b/<id>.svg` both use it. Pure (items in, string out). Every
 * piece of text goes through `escapeXml`, and only validated numbers and #rrggbb
 * colours reach attributes, so nothing on a board can become markup.
 */
import { fillOpacity } from "./item-style.js";
import { TEXT_FONT_FAMILY, TEXT_LINE_HEIGHT, arrowHead, shapeBox, textLines, unionBounds, type Rect } from "./item-layout.js";
import type { Item, Shape, Stroke, Text } from "./protocol.js";
import { traceSmooth, type PathSink } from "./smooth-path.js";

export interface SvgOptions {
  /** Background fill (#rrggbb), or none for a transparent background. */
  background?: string;
  /** Space around the drawing, in board pixels. */
  padding?: number;
}

const DEFAULT_PADDING = 32;
/** An empty board still gets a small, valid picture. */
const EMPTY_SIZE = 64;

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function renderSvg(items: readonly Item[], opts: SvgOptions = {}): string {
  return [...svgOpening(unionBounds(items), opts), ...items.map(renderItem), SVG_CLOSING].join("\n");
}

/**
 * The lines before the items: the <svg> element sized to `bounds` (the union of the
 * items' bounds; null for none) and the background. renderSvg is these, one line
 * per item (renderItem), then SVG_CLOSING, joined with newlines; the server's route
 * assembles the same lines piece by piece.
 */
export function svgOpening(bounds: Rect | null, opts: SvgOptions = {}): string[] {
  const pad = opts.padding ?? DEFAULT_PADDING;
  const b = bounds ?? { minX: 0, minY: 0, maxX: EMPTY_SIZE - 2 * pad, maxY: EMPTY_SIZE - 2 * pad };
  const x = num(b.minX - pad);
  const y = num(b.minY - pad);
  const w = num(Math.max(1, b.maxX - b.minX + 2 * pad));
  const h = num(Math.max(1, b.maxY - b.minY + 2 * pad));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${x} ${y} ${w} ${h}">`,
  ];
  if (opts.background) out.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${escapeXml(opts.background)}"/>`);
  return out;
}

export const SVG_CLOSING = "</svg>";

/** One item as one line of SVG. */
export function renderItem(item: Item): string {
  switch (item.kind) {
    case "stroke":
      return renderStroke(item);
    case "shape":
      return renderShape(item);
    case "text":
      return renderText(item);
  }
}

function strokeStyle(color: string, width: number): string {
  return `fill="none" stroke="${escapeXml(color)}" stroke-width="${num(width)}" stroke-linecap="round" stroke-linejoin="round"`;
}

function renderStroke(s: Stroke): string {
  const p = s.points;
  if (p.length === 2) return `<circle cx="${num(p[0])}" cy="${num(p[1])}" r="${num(s.width / 2)}" fill="${escapeXml(s.color)}"/>`;
  const d = new PathData();
  traceSmooth(d, p);
  return `<path d="${d.toString()}" ${strokeStyle(s.color, s.width)}/>`;
}

function renderShape(s: Shape): string {
  let style = strokeStyle(s.color, s.width);
  // A filled rectangle or ellipse: the fill in its own colour under its outline.
  const opacity = s.shape === "rect" || s.shape === "ellipse" ? fillOpacity(s.fill) : 0;
  if (opacity > 0) style = style.replace('fill="none"', `fill="${escapeXml(s.color)}"${opacity < 1 ? ` fill-opacity="${opacity}"` : ""}`);
  switch (s.shape) {
    case "line":
      return `<line x1="${num(s.x1)}" y1="${num(s.y1)}" x2="${num(s.x2)}" y2="${num(s.y2)}" ${style}/>`;
    case "arrow": {
      const [lx, ly, rx, ry] = arrowHead(s);
      const d = `M${num(s.x1)} ${num(s.y1)}L${num(s.x2)} ${num(s.y2)}M${num(lx)} ${num(ly)}L${num(s.x2)} ${num(s.y2)}L${num(rx)} ${num(ry)}`;
      return `<path d="${d}" ${style}/>`;
    }
    case "rect": {
      const b = shapeBox(s);
      return `<rect x="${num(b.minX)}" y="${num(b.minY)}" width="${num(b.maxX - b.minX)}" height="${num(b.maxY - b.minY)}" ${style}/>`;
    }
    case "ellipse": {
      const b = shapeBox(s);
      return `<ellipse cx="${num((b.minX + b.maxX) / 2)}" cy="${num((b.minY + b.maxY) / 2)}" rx="${num((b.maxX - b.minX) / 2)}" ry="${num((b.maxY - b.minY) / 2)}" ${style}/>`;
    }
  }
}

function renderText(t: Text): string {
  const lineHeight = t.size * TEXT_LINE_HEIGHT;
  // Lines are placed by their top (as on the canvas), each a tspan of escaped text.
  const spans = textLines(t).map(
    (line, i) => `<tspan x="${num(t.x)}" y="${num(t.y + i * lineHeight)}">${escapeXml(line)}</tspan>`,
  );
  return (
    `<text font-family="${escapeXml(TEXT_FONT_FAMILY)}" font-size="${num(t.size)}" fill="${escapeXml(t.color)}" ` +
    `dominant-baseline="text-before-edge" xml:space="preserve">${spans.join("")}</text>`
  );
}

/** Numbers as SVG wants them: finite, at most two decimals. */
function num(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : "0";
}

/** A PathSink that writes SVG path data. */
class PathData implements PathSink {
  private readonly parts: string[] = [];

  moveTo(x: number, y: number): void {
    this.parts.push(`M${num(x)} ${num(y)}`);
  }

  lineTo(x: number, y: number): void {
    this.parts.push(`L${num(x)} ${num(y)}`);
  }

  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.parts.push(`Q${num(cx)} ${num(cy)} ${num(x)} ${num(y)}`);
  }

  arc(): void {
    throw new Error("strokes of several points never trace arcs");
  }

  toString(): string {
    return this.parts.join("");
  }
}

/**
 * Freehand ink. Points are collected per pointer sample, streamed to peers as one
 * `draft` per animation frame, and committed as a durable `add` on pointer-up.
 * A stroke that reaches the server's point limit is committed and continued as a
 * new stroke, so long scribbles are never cut off.
 */
import { LIMITS } from "../../shared/protocol-constants.js";
import type { Gesture } from "../board/board-editor.js";
import { drawInk } from "../canvas/stroke-path.js";
import type { Point } from "../canvas/viewport.js";
import { randomId } from "../../shared/ids.js";
import { quantize } from "./board-coordinates.js";
import type { Tool, ToolHost } from "./tool.js";

/** Samples closer than this (in screen pixels) add nothing visible. */
const MIN_STEP_PX = 0.75;

interface WetInk {
  id: string;
  color: string;
  width: number;
  points: number[];
  /** Points already sent as drafts. */
  sent: number;
  /** When the first unsent point was sampled. */
  unsentSince: number;
}

export class PenTool implements Tool {
  readonly id = "pen" as const;
  readonly cursor = "crosshair";
  readonly edits = true;
  private ink: WetInk | null = null;
  private gesture: Gesture | null = null;

  constructor(private readonly host: ToolHost) {}

  down(p: Point): void {
    this.gesture = this.host.editor.gesture();
    this.start(p);
  }

  move(points: readonly Point[]): void {
    if (!this.ink) return;
    for (const p of points) this.sample(p);
    this.host.requestFrame();
  }

  up(p: Point): void {
    if (!this.ink) return;
    this.sample(p);
    this.finish();
  }

  cancel(): void {
    if (this.ink) this.finish();
  }

  abandon(): void {
    // A second finger came down: this was the start of a pinch, not a stroke.
    this.ink = null;
    this.gesture?.end();
    this.gesture = null;
    this.host.requestFrame();
  }

  frame(): void {
    this.flushDraft();
  }

  drawLive(ctx: CanvasRenderingContext2D): void {
    const ink = this.ink;
    if (ink) drawInk(ctx, ink.points, ink.color, ink.width);
  }

  private start(p: Point): void {
    const { color, width } = this.host.style;
    this.ink = { id: randomId(16), color, width, points: [], sent: 0, unsentSince: Date.now() };
    this.push(p);
    this.host.requestFrame();
  }

  private sample(p: Point): void {
    const ink = this.ink;
    if (!ink) return;
    const n = ink.points.length;
    const min = MIN_STEP_PX / this.host.viewport.zoom;
    const x = quantize(p.x);
    const y = quantize(p.y);
    if (Math.abs(x - ink.points[n - 2]) < min && Math.abs(y - ink.points[n - 1]) < min) return;
    if (n / 2 >= LIMITS.maxPointsPerStroke) {
      // Full: commit this stroke and continue seamlessly from its last point.
      const last = { x: ink.points[n - 2], y: ink.points[n - 1] };
      this.commit();
      this.start(last);
    }
    this.push({ x, y });
  }

  private push(p: Point): void {
    const ink = this.ink!;
    if (ink.points.length / 2 === ink.sent) ink.unsentSince = Date.now();
    ink.points.push(quantize(p.x), quantize(p.y));
  }

  private finish(): void {
    this.commit();
    this.gesture?.end();
    this.gesture = null;
    this.host.requestFrame();
  }

  private commit(): void {
    const ink = this.ink;
    if (!ink) return;
    this.flushDraft();
    this.ink = null;
    this.gesture?.add({ kind: "stroke", id: ink.id, color: ink.color, width: ink.width, points: ink.points });
  }

  /** Sends the points sampled since the last draft (normally one batch per frame). */
  private flushDraft(): void {
    const ink = this.ink;
    if (!ink) return;
    const count = ink.points.length / 2;
    while (ink.sent < count) {
      const end = Math.min(count, ink.sent + LIMITS.maxDraftPoints);
      this.host.sendDraft({
        itemId: ink.id,
        color: ink.color,
        width: ink.width,
        from: ink.sent,
        points: ink.points.slice(ink.sent * 2, end * 2),
        t: ink.unsentSince,
      });
      ink.sent = end;
    }
  }
}

/**
 * One load client per system, each speaking that system's wire format:
 * - meshboard: the headless client the browser uses (src/shared/client) on
 *   socket.io-client (websocket transport): handshake, live ink on the ink
 *   clock as `draft` batches carrying the sample time `t`, strokes committed
 *   as `add` ops through the outbox;
 * - seed: socket.io-client emitting one `drawing` segment {x0,y0,x1,y1,color}
 *   per pointer sample, coordinates as fractions of the canvas like the demo
 *   (plus `t`, the sample time, for the latency probe);
 * - floor: a raw `ws` client sending the same segment as a JSON text frame.
 */
import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import msgpackParser from "socket.io-msgpack-parser";
import { WebSocket } from "ws";
import { BoardSession } from "../../src/shared/client/board-session.js";
import { socketWire } from "../../src/shared/client/wire.js";
import type { Draft } from "../../src/shared/protocol.js";
import { monoMs } from "../lib/clock.js";
import type { ClientSpec, WorkerPlan } from "./messages.js";

export interface Receiver {
  /** A message carrying points arrived (one Socket.IO event or ws frame). */
  frame(): void;
  /** `count` points arrived; the first was sampled at `t`, the rest every `stepMs`. */
  points(count: number, t: number, stepMs: number): void;
  disconnected(): void;
}

export interface LoadClient {
  ready: Promise<void>;
  /** Sends points sampled at the given times (drawer only). */
  send(points: Array<{ x: number; y: number; t: number }>): void;
  /** The stroke under way ends here (meshboard commits it). */
  endStroke(): void;
  close(): void;
}

const id = () => randomBytes(12).toString("base64url");
const SEED_COLORS = ["black", "red", "green", "blue", "yellow"];
const SEED_THROTTLE_MS = 10;
const MESH_COLORS = ["#1e1e1e", "#e03131", "#2f9e44", "#1971c2", "#f08c00"];
/** The demo's canvas is the browser window; coordinates travel as fractions of it. */
const CANVAS = { w: 1280, h: 720 };

function readyOrFail(socket: Socket, readyEvent: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${readyEvent} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export function createClient(spec: ClientSpec, plan: WorkerPlan, rx: Receiver, counters: { commitsAcked: number; commitsFailed: number }): LoadClient {
  const stepMs = 1000 / plan.pointerHz;
  switch (plan.protocol) {
    case "meshboard":
      return meshboardClient(spec, plan, rx, stepMs, counters);
    case "seed":
      return seedClient(spec, plan, rx);
    case "floor":
      return floorClient(spec, plan, rx);
  }
}

function meshboardClient(
  spec: ClientSpec,
  plan: WorkerPlan,
  rx: Receiver,
  stepMs: number,
  counters: { commitsAcked: number; commitsFailed: number },
): LoadClient {
  const session = new BoardSession({
    boardId: spec.board,
    clientId: id(),
    name: "bench",
    inkClock: plan.inkClock,
    // A load client watches ink, not the board: it does not fold every stroke of it.
    followBoard: false,
    wire: socketWire({
      url: spec.url,
      boardId: spec.board,
      socket: {
        transports: ["websocket"],
        tryAllTransports: false,
        reconnection: false,
        forceNew: true,
        ...(plan.parser === "msgpack" ? { parser: msgpackParser } : {}),
      },
    }),
  });
  // One event per message that carried drafts; the session leaves out the drawer's own.
  session.on("drafts", (batch) => {
    rx.frame();
    for (const d of batch) rx.points(d.points.length / 2, d.t ?? NaN, stepMs);
  });
  session.on("disconnected", () => rx.disconnected());
  session.on("acked", () => counters.commitsAcked++);
  session.on("rejected", () => counters.commitsFailed++);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no welcome within ${plan.connectTimeoutMs} ms`)), plan.connectTimeoutMs);
    session.on("welcome", () => (clearTimeout(timer), resolve()));
    session.on("connectError", (err) => (clearTimeout(timer), reject(err)));
  });
  session.start();
  const color = MESH_COLORS[Math.floor(Math.random() * MESH_COLORS.length)];
  let itemId = id();
  let stroke: number[] = [];
  return {
    ready,
    send(points) {
      const flat: number[] = [];
      for (const p of points) flat.push(p.x, p.y);
      const draft: Draft = { itemId, color, width: 2, from: stroke.length / 2, points: flat, t: points[0].t };
      stroke.push(...flat);
      session.sendDraft(draft);
    },
    endStroke() {
      if (plan.commitStrokes && stroke.length >= 2) {
        session.submit({ type: "add", opId: id(), item: { kind: "stroke", id: itemId, color, width: 2, points: stroke } });
      }
      itemId = id();
      stroke = [];
    },
    close: () => {
      // What is still unsent when the run ends did not make it.
      counters.commitsFailed += session.outbox.size;
      session.dispose();
    },
  };
}

function seedClient(spec: ClientSpec, plan: WorkerPlan, rx: Receiver): LoadClient {
  const socket = io(spec.url, {
    query: { board: spec.board },
    // The demo's browser client starts with long-polling and upgrades; the bench
    // opens the websocket at once (same steady-state frames, cheaper generator).
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  socket.on("drawing", (d: { t: number }) => {
    rx.frame();
    rx.points(1, d.t, 0);
  });
  socket.on("disconnect", () => rx.disconnected());
  const color = SEED_COLORS[Math.floor(Math.random() * SEED_COLORS.length)];
  let last: { x: number; y: number } | null = null;
  let passed = Number.NEGATIVE_INFINITY;
  return {
    ready: readyOrFail(socket, "connect", plan.connectTimeoutMs),
    send(points) {
      for (const p of points) {
        // The demo's mouse-move handler is throttled to one call per 10 ms.
        if (p.t - passed < SEED_THROTTLE_MS) continue;
        passed = p.t;
        const from = last ?? p;
        socket.emit("drawing", { x0: from.x / CANVAS.w, y0: from.y / CANVAS.h, x1: p.x / CANVAS.w, y1: p.y / CANVAS.h, color, t: p.t });
        last = p;
      }
    },
    endStroke() {
      last = null;
    },
    close: () => socket.disconnect(),
  };
}

/** A floor segment: the seed's, plus its sender (a batching floor writes a sender's own segments back to it). */
interface FloorSegment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  color: string;
  t: number;
  c: string;
}

function floorClient(spec: ClientSpec, plan: WorkerPlan, rx: Receiver): LoadClient {
  const url = new URL(spec.url.replace(/^http/, "ws"));
  url.searchParams.set("board", spec.board);
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const me = randomBytes(6).toString("base64url");
  ws.on("message", (data) => {
    // A frame is one message as sent (a segment, or an array of a draft's segments), or a batching floor's array of them.
    const d = JSON.parse((data as Buffer).toString()) as FloorSegment | Array<FloorSegment | FloorSegment[]>;
    const segments = Array.isArray(d) ? d.flat() : [d];
    let theirs = 0;
    for (const s of segments) {
      if (s.c === me) continue;
      if (theirs++ === 0) rx.frame();
      rx.points(1, s.t, 0);
    }
  });
  ws.on("close", () => rx.disconnected());
  const color = SEED_COLORS[Math.floor(Math.random() * SEED_COLORS.length)];
  let last: { x: number; y: number } | null = null;
  return {
    ready: new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no open within ${plan.connectTimeoutMs} ms`)), plan.connectTimeoutMs);
      ws.once("open", () => (clearTimeout(timer), resolve()));
      ws.once("error", (err) => (clearTimeout(timer), reject(err)));
    }),
    send(points) {
      // One frame per call: the worker hands over `samplesPerDraft` samples at a time.
      const segments = points.map((p): FloorSegment => {
        const from = last ?? p;
        last = p;
        return { x0: from.x / CANVAS.w, y0: from.y / CANVAS.h, x1: p.x / CANVAS.w, y1: p.y / CANVAS.h, color, t: p.t, c: me };
      });
      ws.send(JSON.stringify(segments.length === 1 ? segments[0] : segments));
    },
    endStroke() {
      last = null;
    },
    close: () => ws.close(),
  };
}

/** Marks a timestamp as "now" for a drawer's pointer sample. */
export const sampleTime = monoMs;

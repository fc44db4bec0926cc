/**
 * One load client per system, each speaking that system's wire format:
 * - meshboard: socket.io-client (websocket transport) with the real protocol:
 *   handshake auth, `draft` batches of points carrying the sample time `t`,
 *   strokes committed as `add` ops;
 * - seed: socket.io-client emitting one `drawing` segment {x0,y0,x1,y1,color}
 *   per pointer sample, coordinates as fractions of the canvas like the demo
 *   (plus `t`, the sample time, for the latency probe);
 * - floor: a raw `ws` client sending the same segment as a JSON text frame.
 */
import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import msgpackParser from "socket.io-msgpack-parser";
import { WebSocket } from "ws";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import { InkPacer } from "../../src/client/sync/ink-pacer.js";
import { ClockSync } from "../../src/client/sync/clock-sync.js";
import { PROTOCOL_VERSION, type Draft, type PeerDraft, type Welcome } from "../../src/shared/protocol.js";
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
  const socket = io(spec.url, {
    path: SOCKET_PATH,
    query: { [BOARD_QUERY_PARAM]: spec.board },
    auth: { protocol: PROTOCOL_VERSION, clientId: id(), lastSeq: 0, name: "bench" },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(plan.parser === "msgpack" ? { parser: msgpackParser } : {}),
  });
  let sessionId = "";
  // A busy board's batch may hold the drawer's own drafts: those are not deliveries.
  const onDraft = (d: PeerDraft) => d.sessionId !== sessionId && rx.points(d.points.length / 2, d.t ?? NaN, stepMs);
  socket.on("draft" as never, ((d: PeerDraft) => {
    rx.frame();
    onDraft(d);
  }) as never);
  // A server that batches drafts per board sends them as one `drafts` event.
  socket.on("drafts" as never, ((batch: PeerDraft[]) => {
    rx.frame();
    for (const d of batch) onDraft(d);
  }) as never);
  socket.on("disconnect", () => rx.disconnected());
  // As the browser client does (src/client/sync/board-session.ts): live ink is
  // volatile and waits for the server's ink clock, which ClockSync follows.
  const pacer = new InkPacer((d) => socket.volatile.emit("draft", d));
  let inkClock: Welcome["ink"] | null = null;
  const clock = new ClockSync(
    () => {
      const sentAt = Date.now();
      return socket
        .timeout(10_000)
        .emitWithAck("clock" as never, {} as never)
        .then((r: { now: number }) => ({ sentAt, serverNow: r.now, receivedAt: Date.now() }));
    },
    ({ offsetMs, tripMs }) => inkClock && pacer.setClock(inkClock, offsetMs, tripMs),
  );
  socket.on("welcome" as never, ((w: Welcome) => {
    sessionId = w.sessionId;
    pacer.setClock(null);
    if (!plan.inkClock) return;
    inkClock = w.ink;
    clock.start();
  }) as never);
  socket.on("disconnect", () => clock.stop());
  const color = MESH_COLORS[Math.floor(Math.random() * MESH_COLORS.length)];
  let itemId = id();
  let stroke: number[] = [];
  return {
    ready: readyOrFail(socket, "welcome", plan.connectTimeoutMs),
    send(points) {
      const flat: number[] = [];
      for (const p of points) flat.push(p.x, p.y);
      const draft: Draft = { itemId, color, width: 2, from: stroke.length / 2, points: flat, t: points[0].t };
      stroke.push(...flat);
      pacer.push(draft);
    },
    endStroke() {
      pacer.flush();
      if (plan.commitStrokes && stroke.length >= 2) {
        const op = { type: "add", opId: id(), item: { kind: "stroke", id: itemId, color, width: 2, points: stroke } };
        socket.timeout(10_000).emit("op", op, (err: Error | null, ack?: { ok: boolean }) => {
          if (!err && ack?.ok) counters.commitsAcked++;
          else counters.commitsFailed++;
        });
      }
      itemId = id();
      stroke = [];
    },
    close: () => {
      clock.stop();
      socket.disconnect();
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

function floorClient(spec: ClientSpec, plan: WorkerPlan, rx: Receiver): LoadClient {
  const url = new URL(spec.url.replace(/^http/, "ws"));
  url.searchParams.set("board", spec.board);
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on("message", (data) => {
    const d = JSON.parse(String(data)) as { t: number };
    rx.frame();
    rx.points(1, d.t, 0);
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
      for (const p of points) {
        const from = last ?? p;
        ws.send(JSON.stringify({ x0: from.x / CANVAS.w, y0: from.y / CANVAS.h, x1: p.x / CANVAS.w, y1: p.y / CANVAS.h, color, t: p.t }));
        last = p;
      }
    },
    endStroke() {
      last = null;
    },
    close: () => ws.close(),
  };
}

/** Marks a timestamp as "now" for a drawer's pointer sample. */
export const sampleTime = monoMs;

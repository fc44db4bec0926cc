/**
 * Real clients on one scratch board, each the headless client the browser
 * uses (src/shared/client): websocket-only clients (no affinity needed) and
 * default clients that start on polling and upgrade. One client per node
 * draws a test stroke; every other client must receive it.
 */
import { randomBytes } from "node:crypto";
import { BoardSession } from "../../shared/client/board-session.js";
import { socketWire, type BoardSocket } from "../../shared/client/wire.js";
import type { BoardOp, OpAck } from "../../shared/protocol.js";
import { newClientId } from "./polling-probe.js";
import type { ScratchBoard } from "./scratch-boards.js";

export interface ProbeClient {
  kind: "websocket" | "upgrade";
  node: string | null;
  connectMs: number | null;
  error?: string;
  /** Upgrade clients: the transport in use at the end ("websocket" once upgraded). */
  transport?: string;
  upgradeMs?: number | null;
  upgradeError?: string;
}

export interface StrokeDelivery {
  node: string | null;
  /** Milliseconds from sending the stroke to its arrival; null if it never came. */
  ms: number | null;
}

export interface StrokeResult {
  drawerNode: string | null;
  /** Acknowledgement latency, or the reason there was none. */
  ackMs: number | null;
  ackError?: string;
  deliveries: StrokeDelivery[];
}

export interface StrokeProbeResult {
  board: string;
  clients: ProbeClient[];
  strokes: StrokeResult[];
}

export interface StrokeProbeOptions {
  /** Websocket-only clients to start with. */
  websocketClients: number;
  /** More websocket clients are added, up to this many, until two nodes serve the board. */
  maxWebsocketClients: number;
  upgradeClients: number;
  timeoutMs: number;
  /** How long a stroke may take to reach another client. */
  deliveryTimeoutMs: number;
}

interface Live {
  info: ProbeClient;
  session: BoardSession;
  /** The socket under the session, to watch its transport upgrade. */
  socket: BoardSocket;
  /** opId → arrival time (performance.now()). */
  arrivals: Map<string, number>;
}

function connectClient(base: URL, { board, token }: ScratchBoard, kind: ProbeClient["kind"], timeoutMs: number): Promise<Live> {
  const started = performance.now();
  let socket: BoardSocket | undefined;
  const session = new BoardSession({
    boardId: board,
    clientId: newClientId(),
    name: "meshboard doctor",
    token,
    // A probe sends one stroke and no live ink: no clock to follow.
    inkClock: false,
    wire: socketWire({
      url: base.origin,
      boardId: board,
      socket: {
        transports: kind === "websocket" ? ["websocket"] : ["polling", "websocket"],
        tryAllTransports: false,
        upgrade: kind === "upgrade",
        forceNew: true,
        reconnection: false,
        timeout: timeoutMs,
      },
      onSocket: (s) => (socket = s),
    }),
  });
  const live: Live = { info: { kind, node: null, connectMs: null }, session, socket: undefined as unknown as BoardSocket, arrivals: new Map() };
  session.on("received", (batch) => {
    const now = performance.now();
    for (const s of batch) if (!live.arrivals.has(s.op.opId)) live.arrivals.set(s.op.opId, now);
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(`not welcomed within ${timeoutMs} ms`), timeoutMs);
    let settled = false;
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) live.info.error ??= error;
      resolve(live);
    };
    session.on("welcome", (w) => {
      live.info.node = w.node;
      live.info.connectMs = performance.now() - started;
      done();
    });
    session.on("connectError", (err) => done(err.data?.code ? `${err.data.code}: ${err.data.message ?? ""}` : describeError(err)));
    session.on("disconnected", (reason) => done(`disconnected (${reason})`));
    session.start();
    live.socket = socket!;
  });
}

function describeError(err: Error & { description?: unknown; context?: unknown }): string {
  const d = err.description as { message?: string; code?: string } | number | undefined;
  const detail = typeof d === "object" && d ? (d.message ?? d.code) : typeof d === "number" ? `HTTP ${d}` : undefined;
  return detail ? `${err.message} (${detail})` : err.message;
}

function waitForUpgrade(live: Live, timeoutMs: number): Promise<void> {
  const engine = live.socket.io.engine;
  const started = performance.now();
  const finish = (error?: string) => {
    live.info.transport = engine.transport.name;
    if (error) live.info.upgradeError = error;
    else live.info.upgradeMs = performance.now() - started;
  };
  if (engine.transport.name === "websocket") return Promise.resolve(finish());
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      finish(`still on ${engine.transport.name} after ${timeoutMs} ms`);
      resolve();
    }, timeoutMs);
    engine.once("upgrade", () => {
      clearTimeout(timer);
      finish();
      resolve();
    });
    engine.once("upgradeError", (err: Error) => {
      clearTimeout(timer);
      finish(describeError(err));
      resolve();
    });
  });
}

function testStroke(): BoardOp {
  const id = () => randomBytes(12).toString("base64url");
  return { type: "add", opId: id(), item: { kind: "stroke", id: id(), color: "#868e96", width: 2, points: [0, 0, 8, 8] } };
}

async function draw(drawer: Live, others: Live[], opts: StrokeProbeOptions): Promise<StrokeResult> {
  const op = testStroke();
  const sent = performance.now();
  const result: StrokeResult = { drawerNode: drawer.info.node, ackMs: null, deliveries: [] };
  try {
    const ack: OpAck = await drawer.session.sendNow(op, opts.timeoutMs);
    if (ack.ok) result.ackMs = performance.now() - sent;
    else result.ackError = `${ack.error.code}: ${ack.error.message}`;
  } catch {
    result.ackError = `no acknowledgement within ${opts.timeoutMs} ms`;
  }
  const deadline = sent + opts.deliveryTimeoutMs;
  while (others.some((o) => !o.arrivals.has(op.opId)) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const o of others) {
    const at = o.arrivals.get(op.opId);
    result.deliveries.push({ node: o.info.node, ms: at === undefined ? null : at - sent });
  }
  return result;
}

export async function runStrokeProbe(base: URL, board: ScratchBoard, opts: StrokeProbeOptions): Promise<StrokeProbeResult> {
  const live: Live[] = [];
  try {
    const connect = (kind: ProbeClient["kind"], n: number) =>
      Promise.all(Array.from({ length: n }, () => connectClient(base, board, kind, opts.timeoutMs)));
    // One at a time, as people join a board: a round-robin balancer then spreads them evenly.
    for (let i = 0; i < opts.websocketClients; i++) live.push(...(await connect("websocket", 1)));
    const nodes = () => new Set(live.filter((l) => l.info.node).map((l) => l.info.node));
    while (nodes().size < 2 && live.length < opts.maxWebsocketClients && live.some((l) => l.info.node)) {
      live.push(...(await connect("websocket", 1)));
    }
    for (let i = 0; i < opts.upgradeClients; i++) live.push(...(await connect("upgrade", 1)));
    await Promise.all(live.filter((l) => l.info.kind === "upgrade" && l.info.node).map((l) => waitForUpgrade(l, opts.timeoutMs)));

    const joined = live.filter((l) => l.info.node);
    const strokes: StrokeResult[] = [];
    for (const node of new Set(joined.map((l) => l.info.node))) {
      const drawer = joined.find((l) => l.info.node === node)!;
      strokes.push(await draw(drawer, joined.filter((l) => l !== drawer), opts));
    }
    return { board: board.board, clients: live.map((l) => l.info), strokes };
  } finally {
    for (const l of live) l.session.dispose();
  }
}

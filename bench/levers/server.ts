/**
 * The lever lab: a bench-only Socket.IO node speaking meshboard's draft
 * protocol (welcome, validated `draft` in, `draft`/`drafts` out) whose
 * fan-out choices are switched by environment, so each lever of issue 6 can be
 * measured on its own, under the same load, before it goes into meshboard.
 *
 *   LAB_ADAPTER     classic | sharded | none      cross-node adapter (Redis pub/sub, sharded with dynamic subscriptions)
 *   LAB_PARSER      default | msgpack             Socket.IO parser
 *   LAB_FLUSH_MS    0 | n                         batch drafts per board for n ms, one `drafts` event per flush
 *   LAB_FLUSH_TIMER node | per-board             one flush timer for the node, or one per board
 *   LAB_DELIVERY    batch | per-draft             a flush as one `drafts` event, or one merged `draft` per sender
 *   LAB_EMIT        room | per-socket             serialise once per broadcast, or once per recipient
 *   LAB_DEFLATE     0 | 1                         per-message deflate (ws default threshold: 1 KiB)
 *   LAB_TRANSPORTS  polling,websocket | websocket
 *   LAB_VALIDATE    zod | fast                    draft validation: the zod schema, or a hand-written check
 *   LAB_LOCAL       0 | 1                         flushes skip Redis (io.local): the most a "publish only when
 *                                                 another node listens" rule can save under board affinity
 *
 * Environment from the cluster runner: PORT, HOST, NODE_ID, REDIS_URL.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server, type Socket } from "socket.io";
import msgpackParser from "socket.io-msgpack-parser";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import { LIMITS, PROTOCOL_VERSION, draftSchema, type PeerDraft } from "../../src/shared/protocol.js";
import { deliverDrafts } from "../../src/server/realtime/draft-batcher.js";
import { boardRoom, type BoardFanout } from "../../src/server/realtime/types.js";
import { FixedWindowBatcher, deliverPerDraft } from "./batchers.js";

const env = process.env;
const port = Number(env.PORT ?? 3000);
const host = env.HOST ?? "127.0.0.1";
const nodeId = env.NODE_ID ?? `lab-${port}`;
const adapterKind = env.LAB_ADAPTER ?? "sharded";
const flushMs = Number(env.LAB_FLUSH_MS ?? 0);
const perSocket = env.LAB_EMIT === "per-socket";

let ready = false;
const http = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  res.writeHead(path === "/healthz" || (path === "/readyz" && ready) ? 200 : path === "/readyz" ? 503 : 404);
  res.end();
});

const io = new Server(http, {
  path: SOCKET_PATH,
  serveClient: false,
  maxHttpBufferSize: LIMITS.maxPayloadBytes,
  perMessageDeflate: env.LAB_DEFLATE === "1",
  transports: (env.LAB_TRANSPORTS ?? "polling,websocket").split(",") as Array<"polling" | "websocket">,
  ...(env.LAB_PARSER === "msgpack" ? { parser: msgpackParser } : {}),
});

if (env.REDIS_URL && adapterKind !== "none") {
  const pub = createClient({ url: env.REDIS_URL });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on("error", (err: Error) => console.error(`[${nodeId}] redis:`, err.message));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(adapterKind === "classic" ? createAdapter(pub, sub) : createShardedAdapter(pub, sub, { subscriptionMode: "dynamic" }));
}

const room = (board: string) => boardRoom(board);
const fastValidation = env.LAB_VALIDATE === "fast";

const ID = /^[A-Za-z0-9_-]{8,64}$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const isCoord = (v: unknown) => typeof v === "number" && v >= -LIMITS.maxCoordinate && v <= LIMITS.maxCoordinate;
/** What draftSchema accepts, checked by hand (the lab's measure of zod's cost on the hot path). */
function checkDraft(p: unknown): Omit<PeerDraft, "sessionId"> | null {
  if (typeof p !== "object" || p === null) return null;
  const d = p as Record<string, unknown>;
  const { itemId, color, width, from, points, t } = d;
  if (typeof itemId !== "string" || !ID.test(itemId) || typeof color !== "string" || !COLOR.test(color)) return null;
  if (typeof width !== "number" || !(width >= LIMITS.minWidth && width <= LIMITS.maxWidth)) return null;
  if (typeof from !== "number" || !Number.isInteger(from) || from < 0 || from > LIMITS.maxPointsPerStroke) return null;
  if (!Array.isArray(points) || points.length % 2 !== 0 || points.length > LIMITS.maxDraftPoints * 2) return null;
  for (let i = 0; i < points.length; i++) if (!isCoord(points[i])) return null;
  if (t !== undefined && (typeof t !== "number" || !Number.isFinite(t))) return null;
  const coords = points as number[];
  return t === undefined ? { itemId, color, width, from, points: coords } : { itemId, color, width, from, points: coords, t };
}

// Batching is meshboard's (per-board merging, one timer for the node) without the ink clock
// (bench/levers/batchers.ts); LAB_FLUSH_TIMER=per-board gives each board its own batcher and timer.
const fanout = (env.LAB_LOCAL === "1" ? io.local : io) as unknown as BoardFanout;
const deliver = env.LAB_DELIVERY === "per-draft" ? deliverPerDraft : deliverDrafts;
const newBatcher = () => new FixedWindowBatcher<Socket>({ flushMs, deliver: (flush) => deliver(fanout, flush as never) });
const nodeBatcher = newBatcher();
const boardBatchers = new Map<string, FixedWindowBatcher<Socket>>();
const batcherFor = (board: string) => {
  if (env.LAB_FLUSH_TIMER !== "per-board") return nodeBatcher;
  let b = boardBatchers.get(board);
  if (!b) boardBatchers.set(board, (b = newBatcher()));
  return b;
};

function relay(socket: Socket, board: string, draft: PeerDraft): void {
  if (flushMs > 0) return batcherFor(board).add(board, draft, socket);
  if (perSocket) {
    // Serialise per recipient: what a naive loop over the room does.
    for (const id of io.of("/").adapter.rooms.get(room(board)) ?? []) {
      if (id !== socket.id) io.of("/").sockets.get(id)?.emit("draft", draft);
    }
    return;
  }
  socket.to(room(board)).emit("draft", draft);
}

io.on("connection", (socket) => {
  const board = String(socket.handshake.query[BOARD_QUERY_PARAM] ?? "");
  const sessionId = randomBytes(9).toString("base64url");
  void socket.join(room(board));
  socket.emit("welcome" as never, { protocol: PROTOCOL_VERSION, boardId: board, node: nodeId, sessionId, head: 0, readOnly: false, limits: LIMITS });
  socket.on("draft", (payload: unknown) => {
    if (fastValidation) {
      const draft = checkDraft(payload);
      if (draft) relay(socket, board, { ...draft, sessionId });
      return;
    }
    const parsed = draftSchema.safeParse(payload);
    if (!parsed.success) return;
    relay(socket, board, { ...parsed.data, sessionId });
  });
});

http.listen(port, host, () => {
  ready = true;
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void io.close();
    setTimeout(() => process.exit(0), 200).unref();
  });
}

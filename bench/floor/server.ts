/**
 * The floor: a raw `ws` relay (no socket.io, no validation, no store). Each text
 * frame a client sends is relayed unparsed to the other members of its board
 * (`?board=` on the upgrade URL). The frame is built once per message and
 * written to every recipient, as socket.io does for its broadcasts, so this is
 * the cheapest faithful way to deliver the same points.
 *
 * Run alone it is the `floor` system: one process, relaying at once. Run as the
 * `floor-cluster` system it is the same relay in meshboard's topology (3 of
 * them behind HAProxy), and two switches make it the cheapest design for that
 * topology:
 *
 *   FLOOR_FLUSH_MS  0 | n       relay at once (0), or gather a board's messages for n ms
 *                               and write them as one frame, a JSON array, to every member
 *                               (the sender's own included: the frame is built once; each
 *                               message names its sender, and clients skip their own)
 *   FLOOR_FANOUT    local | redis   boards live on one node (board affinity), or every
 *                               node publishes what it relays on a Redis channel per board
 *                               and writes what the other nodes publish to its own members
 *
 * Environment: PORT, HOST, NODE_ID, REDIS_URL (from the cluster runner), and the above.
 */
import { createServer } from "node:http";
import { createClient } from "redis";
import * as ws from "ws";
import { WebSocket, WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const nodeId = process.env.NODE_ID ?? `floor-${port}`;
const flushMs = Number(process.env.FLOOR_FLUSH_MS ?? 0);
const redisUrl = process.env.FLOOR_FANOUT === "redis" ? process.env.REDIS_URL : undefined;

const http = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  res.writeHead(path === "/healthz" || path === "/readyz" ? 200 : 404);
  res.end();
});

interface Board {
  members: Set<WebSocket>;
  /** Messages gathered for the next flush (FLOOR_FLUSH_MS > 0). */
  pending: string[];
}
const boards = new Map<string, Board>();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 256 * 1024 });

type FrameSender = { sendFrame(list: Buffer[], cb?: (err?: Error) => void): void };
// ws's own broadcast recipe (websockets/ws#617): frame once, write the same bytes to every socket.
const frameOf = (data: Buffer) =>
  (ws as unknown as { Sender: { frame(d: Buffer, o: object): Buffer[] } }).Sender.frame(data, {
    readOnly: false,
    mask: false,
    rsv1: false,
    opcode: 1,
    fin: true,
  });

function write(board: Board, data: Buffer, except?: WebSocket): void {
  const frame = frameOf(data);
  for (const peer of board.members) {
    if (peer === except || peer.readyState !== WebSocket.OPEN) continue;
    (peer as unknown as { _sender: FrameSender })._sender.sendFrame(frame);
  }
}

// Cross-node fan-out: one channel per board, subscribed while the node has members of it.
const pub = redisUrl ? createClient({ url: redisUrl }) : undefined;
const sub = pub?.duplicate();
const channel = (name: string) => `floor:${name}`;
/** What a node publishes: its id, a space, the frame's text (so a node skips its own). */
const onPublished = (message: string, ch: string) => {
  const cut = message.indexOf(" ");
  if (message.slice(0, cut) === nodeId) return;
  const board = boards.get(ch.slice("floor:".length));
  if (board) write(board, Buffer.from(message.slice(cut + 1)));
};
const publish = (name: string, text: string) => void pub?.publish(channel(name), `${nodeId} ${text}`);

if (flushMs > 0) {
  setInterval(() => {
    for (const [name, board] of boards) {
      if (board.pending.length === 0) continue;
      const text = `[${board.pending.join(",")}]`;
      board.pending = [];
      write(board, Buffer.from(text));
      publish(name, text);
    }
  }, flushMs);
}

wss.on("connection", (socket, req) => {
  const name = new URL(req.url ?? "/", "http://floor").searchParams.get("board") ?? "";
  let board = boards.get(name);
  if (!board) {
    boards.set(name, (board = { members: new Set(), pending: [] }));
    void sub?.subscribe(channel(name), onPublished);
  }
  board.members.add(socket);
  const mine = board;
  socket.on("message", (data) => {
    if (flushMs > 0) {
      mine.pending.push((data as Buffer).toString());
      return;
    }
    if (mine.members.size > 1) write(mine, data as Buffer, socket);
    if (pub) publish(name, (data as Buffer).toString());
  });
  socket.on("close", () => {
    mine.members.delete(socket);
    if (mine.members.size === 0) {
      boards.delete(name);
      void sub?.unsubscribe(channel(name));
    }
  });
});

async function main(): Promise<void> {
  if (pub && sub) await Promise.all([pub.connect(), sub.connect()]);
  http.listen(port, host, () => console.log(JSON.stringify({ msg: "floor ready", node: nodeId, url: `http://${host}:${port}` })));
}
void main();

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    for (const client of wss.clients) client.terminate();
    http.close();
    setTimeout(() => process.exit(0), 100).unref();
  });
}

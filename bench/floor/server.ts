/**
 * The floor: a raw `ws` relay in one process (no socket.io, no Redis, no
 * balancer). Each text frame a client sends is relayed unparsed to the other
 * members of its board (`?board=` on the upgrade URL). The frame is built once
 * per message and written to every recipient, as socket.io does for its
 * broadcasts, so this is the cheapest faithful way to deliver the same points.
 *
 * Environment: PORT, HOST.
 */
import { createServer } from "node:http";
import * as ws from "ws";
import { WebSocket, WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";

const http = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  res.writeHead(path === "/healthz" || path === "/readyz" ? 200 : 404);
  res.end();
});

const boards = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 256 * 1024 });

type FrameSender = { sendFrame(list: Buffer[], cb?: (err?: Error) => void): void };
// ws's own broadcast recipe (websockets/ws#617): frame once, write the same bytes to every socket.
const frameOf = (data: Buffer, binary: boolean) =>
  (ws as unknown as { Sender: { frame(d: Buffer, o: object): Buffer[] } }).Sender.frame(data, {
    readOnly: false,
    mask: false,
    rsv1: false,
    opcode: binary ? 2 : 1,
    fin: true,
  });

wss.on("connection", (socket, req) => {
  const board = new URL(req.url ?? "/", "http://floor").searchParams.get("board") ?? "";
  let members = boards.get(board);
  if (!members) boards.set(board, (members = new Set()));
  members.add(socket);
  const peers = members;
  socket.on("message", (data, isBinary) => {
    if (peers.size < 2) return;
    const frame = frameOf(data as Buffer, isBinary);
    for (const peer of peers) {
      if (peer === socket || peer.readyState !== WebSocket.OPEN) continue;
      (peer as unknown as { _sender: FrameSender })._sender.sendFrame(frame);
    }
  });
  socket.on("close", () => {
    peers.delete(socket);
    if (peers.size === 0) boards.delete(board);
  });
});

http.listen(port, host, () => console.log(JSON.stringify({ msg: "floor ready", url: `http://${host}:${port}` })));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    for (const client of wss.clients) client.terminate();
    http.close();
    setTimeout(() => process.exit(0), 100).unref();
  });
}

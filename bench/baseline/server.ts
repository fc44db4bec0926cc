/**
 * The seed's design, kept faithful as a bench-only baseline: the socket.io
 * whiteboard demo the seed deploys (cnych/k8s-socketio-cluster-demo), ported
 * from socket.io 2 + socket.io-redis to socket.io 4 + the classic
 * @socket.io/redis-adapter, with socket.io's defaults (default parser,
 * polling + websocket, no per-message deflate). The demo's only handler relays
 * each `drawing` segment {x0,y0,x1,y1,color} to everyone else; for scenarios
 * with several boards the socket joins a room named by the `board` query
 * parameter and the segment goes to that room instead of to everyone.
 *
 * Environment (as scripts/local-cluster.ts spawns nodes): PORT, HOST, NODE_ID, REDIS_URL.
 */
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const nodeId = process.env.NODE_ID ?? `baseline-${port}`;
const redisUrl = process.env.REDIS_URL;

let ready = false;
const http = createServer((req, res) => {
  // The demo served its page here; the bench only needs the probes the cluster runner polls.
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/healthz" || path === "/readyz") {
    res.writeHead(ready || path === "/healthz" ? 200 : 503, { "content-type": "text/plain", "x-meshboard-node": nodeId });
    res.end(ready ? "ok" : "starting");
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(http);

if (redisUrl) {
  const pubClient = createClient({ url: redisUrl });
  const subClient = pubClient.duplicate();
  for (const c of [pubClient, subClient]) c.on("error", (err: Error) => console.error(`[${nodeId}] redis:`, err.message));
  await Promise.all([pubClient.connect(), subClient.connect()]);
  io.adapter(createAdapter(pubClient, subClient));
}

io.on("connection", (socket) => {
  const board = socket.handshake.query.board;
  const room = typeof board === "string" && board ? board : null;
  if (room) void socket.join(room);
  socket.on("drawing", (data) => {
    if (room) socket.to(room).emit("drawing", data);
    else socket.broadcast.emit("drawing", data);
  });
});

http.listen(port, host, () => {
  ready = true;
  console.log(JSON.stringify({ msg: "baseline node ready", node: nodeId, url: `http://${host}:${port}`, redis: Boolean(redisUrl) }));
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void io.close();
    setTimeout(() => process.exit(0), 200).unref();
  });
}

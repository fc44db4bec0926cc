/**
 * The runtime adjustments of io-internals.ts against the pinned Socket.IO,
 * Engine.IO and ws, on a real server and client in this process: each test
 * fails if its adjustment stops taking effect (a renamed property after an
 * upgrade) or changes what the libraries do.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";
import { WebSocket } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { Server, type Socket as ServerSocket } from "socket.io";
import {
  LazyAcks,
  WRITTEN_FOR,
  installedIoVersions,
  onEngineConnectionClosed,
  privateAdjustmentsAllowed,
  sessionRelease,
  versionMismatch,
} from "../../src/server/realtime/io-internals.js";
import { createSocketServer } from "../../src/server/realtime/socket-server.js";
import { waitFor } from "../helpers/wait.js";

interface Harness {
  http: HttpServer;
  io: Server;
  url: string;
}

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function server(): Promise<Harness> {
  const http = createServer();
  const io = new Server(http, { cookie: false, perMessageDeflate: false, serveClient: false });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  open.push({ close: () => new Promise<void>((resolve) => void io.close(() => resolve())) });
  return { http, io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

function client(url: string, transports: ("polling" | "websocket")[] = ["websocket"]): ClientSocket {
  const c = connectClient(url, { transports, reconnection: false, forceNew: true });
  open.push({ close: () => c.close() });
  return c;
}

describe("the versions the private adjustments were written for", () => {
  it("are the installed socket.io, engine.io and ws (after an upgrade: re-check every adjustment below, then WRITTEN_FOR)", () => {
    expect(installedIoVersions()).toEqual(WRITTEN_FOR);
    const warnings: string[] = [];
    expect(privateAdjustmentsAllowed({ warn: (_fields, message) => warnings.push(message) })).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("name what differs when they are not", () => {
    expect(versionMismatch({ ...WRITTEN_FOR })).toBeNull();
    expect(versionMismatch({ ...WRITTEN_FOR, "engine.io": "6.7.0", ws: null })).toBe(
      `installed socket.io ${WRITTEN_FOR["socket.io"]}, engine.io 6.7.0, ws (not found); ` +
        `io-internals.ts was written for socket.io ${WRITTEN_FOR["socket.io"]}, engine.io ${WRITTEN_FOR["engine.io"]}, ws ${WRITTEN_FOR.ws}`,
    );
  });
});

describe("onEngineConnectionClosed", () => {
  it.each([["websocket"], ["polling"]] as const)("hears every %s connection close once, with its id, and Engine.IO keeps working", async (transport) => {
    const { io, url } = await server();
    const closed: string[] = [];
    expect(onEngineConnectionClosed(io.engine, (id) => closed.push(id))).toBe(true);
    const ids: string[] = [];
    io.engine.on("connection", (conn: { id: string }) => ids.push(conn.id));
    const a = client(url, [transport]);
    const b = client(url, [transport]);
    await waitFor(() => a.connected && b.connected, { what: "clients connected" });
    // Polling requests find their session in the wrapped `clients`.
    a.emit("ping-me");
    expect(io.engine.clientsCount).toBe(2);
    a.close();
    await waitFor(() => closed.length === 1, { what: "first close" });
    expect(closed).toEqual([ids[0]]);
    expect(b.connected).toBe(true);
    b.close();
    await waitFor(() => closed.length === 2, { what: "second close" });
    expect(closed).toEqual(ids);
    expect(io.engine.clientsCount).toBe(0);
  });

  it("changes nothing when the private adjustments are not allowed (other versions)", async () => {
    const { io } = await server();
    const clients = (io.engine as unknown as { clients: object }).clients;
    expect(onEngineConnectionClosed(io.engine, () => undefined, { allowPrivate: false })).toBe(false);
    expect((io.engine as unknown as { clients: object }).clients).toBe(clients);
  });

  it("changes nothing when Engine.IO has no clients object", () => {
    expect(onEngineConnectionClosed({}, () => undefined)).toBe(false);
    expect(onEngineConnectionClosed({ clients: new Map() }, () => undefined)).toBe(false);
  });
});

type Listener = ((...args: unknown[]) => unknown) & { listener?: unknown };
interface Emitter {
  rawListeners(event: string): Listener[];
}
/** What the tests read of a connection's objects (the pinned versions' fields). */
interface Conn extends Emitter {
  request: unknown;
  cleanupFn: unknown[];
  transport: Emitter & { name: string; socket: Emitter };
}

/** meshboard's Socket.IO server (its options) with sessionRelease, and the TCP sockets of its upgrades. */
async function meshServer({ allowPrivate }: { allowPrivate?: boolean } = {}) {
  const http = createServer();
  const io = createSocketServer(http, { admission: { accepting: () => true, readOnly: () => false }, corsOrigins: [] });
  const tcp: Emitter[] = [];
  http.on("upgrade", (_req, socket) => tcp.push(socket as unknown as Emitter));
  const release = sessionRelease(io, { allowPrivate });
  const sockets: ServerSocket[] = [];
  const received: unknown[][] = [];
  const ended: string[] = [];
  const startedOn: string[] = [];
  io.on("connection", (socket) => {
    startedOn.push(socket.conn.transport.name);
    socket.onAny((...args: unknown[]) => received.push(args));
    socket.onAnyOutgoing(() => undefined);
    socket.on("disconnect", (reason) => ended.push(reason));
    (socket as unknown as ServerSocket).on("hello", (x: unknown, ack: (y: unknown) => void) => ack({ echo: x }));
    release(socket);
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  open.push({ close: () => new Promise<void>((resolve) => void io.close(() => resolve())) });
  return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, tcp, sockets, received, ended, startedOn };
}

const onceWrapped = (e: Emitter, event: string) => e.rawListeners(event).filter((l) => typeof l.listener === "function").length;

describe("sessionRelease", () => {
  it("releases what a started WebSocket session never reads, and the connection keeps working", async () => {
    const m = await meshServer();
    const c = client(m.url);
    await waitFor(() => m.sockets.length === 1 && c.connected, { what: "session" });
    const socket = m.sockets[0];
    const conn = socket.conn as unknown as Conn;
    const transport = conn.transport;
    const ws = transport.socket;

    // The upgrade request, and the response shim's close listener on the TCP socket (ws's own stays).
    expect(conn.request).toBeNull();
    expect(m.tcp).toHaveLength(1);
    expect(m.tcp[0].rawListeners("close")).toHaveLength(1);
    expect(m.tcp[0].rawListeners("close")[0].name).toBe("socketOnClose");
    // The handshake keeps its address, nothing else that is per socket.
    expect(socket.handshake.address).toMatch(/127\.0\.0\.1/);
    expect(Object.keys(socket.handshake.headers)).toEqual([]);
    expect(Object.keys(socket.handshake.query)).toEqual([]);
    expect(Object.keys(socket.handshake.auth)).toEqual([]);
    expect([socket.handshake.url, socket.handshake.time]).toEqual(["", ""]);
    // Engine.IO's upgrade-time no-op error listener and the transport's headers listener.
    expect(ws.rawListeners("error").map((l) => l.name)).not.toContain("onUpgradeError");
    expect(ws.rawListeners("error")).toHaveLength(1);
    expect(transport.rawListeners("headers")).toHaveLength(0);
    // once() wrappers became plain listeners, the same number of them.
    for (const [e, event, n] of [[conn, "close", 2], [transport, "close", 1], [transport, "error", 1], [ws, "close", 1]] as const) {
      expect(e.rawListeners(event), `${event} listeners`).toHaveLength(n);
      expect(onceWrapped(e, event), `${event} once() wrappers`).toBe(0);
    }
    // Compacted arrays still hold their listeners.
    expect(conn.cleanupFn).toHaveLength(1);
    expect(socket.listenersAny()).toHaveLength(1);
    expect(socket.listenersAnyOutgoing()).toHaveLength(1);

    // Events both ways, acks, then a clean close on both sides.
    expect(await c.timeout(2_000).emitWithAck("hello", 42)).toEqual({ echo: 42 });
    expect(m.received).toEqual([["hello", 42, expect.any(Function)]]);
    c.close();
    await waitFor(() => m.ended.length === 1 && m.io.engine.clientsCount === 0, { what: "server-side close" });
    expect(m.ended).toEqual(["client namespace disconnect"]);
  });

  it("with other versions, releases only the request and the handshake (public properties) and touches nothing private", async () => {
    const m = await meshServer({ allowPrivate: false });
    const c = client(m.url);
    await waitFor(() => m.sockets.length === 1 && c.connected, { what: "session" });
    const socket = m.sockets[0];
    const conn = socket.conn as unknown as Conn;
    expect(conn.request).toBeNull();
    expect(Object.keys(socket.handshake.headers)).toEqual([]);
    expect((socket as unknown as { acks: unknown }).acks).toBeInstanceOf(Map);
    expect(onceWrapped(conn, "close")).toBeGreaterThan(0);
    expect(conn.transport.rawListeners("headers")).toHaveLength(1);
    expect(await c.timeout(2_000).emitWithAck("hello", 7)).toEqual({ echo: 7 });
  });

  it("a transport that dies still ends the session (the unwrapped close listeners run)", async () => {
    const m = await meshServer();
    const c = client(m.url);
    await waitFor(() => m.sockets.length === 1 && c.connected, { what: "session" });
    (m.tcp[0] as unknown as { destroy(): void }).destroy();
    await waitFor(() => m.ended.length === 1 && m.io.engine.clientsCount === 0, { what: "server-side close" });
    expect(m.ended).toEqual(["transport close"]);
  });

  it("leaves a long-polling session working, through its upgrade to WebSocket", async () => {
    const m = await meshServer();
    const c = client(m.url, ["polling", "websocket"]);
    await waitFor(() => m.sockets.length === 1 && c.connected, { what: "session" });
    expect(m.startedOn).toEqual(["polling"]);
    expect(m.sockets[0].conn.request).toBeNull();
    await waitFor(() => m.sockets[0].conn.transport.name === "websocket", { what: "upgrade" });
    expect(await c.timeout(2_000).emitWithAck("hello", "after upgrade")).toEqual({ echo: "after upgrade" });
    c.close();
    await waitFor(() => m.ended.length === 1 && m.io.engine.clientsCount === 0, { what: "server-side close" });
  });
});

/** A bare WebSocket speaking Engine.IO 4 / Socket.IO 5 by hand, to send frames the way we want. */
async function rawSocketIO(url: string): Promise<{ ws: WebSocket; next(): Promise<string> }> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
  open.push({ close: () => ws.close() });
  const queue: string[] = [];
  const waiting: Array<(m: string) => void> = [];
  ws.on("message", (data) => {
    const m = (data as Buffer).toString();
    if (m === "2") return void ws.send("3"); // heartbeat
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const next = () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  expect(await next()).toMatch(/^0\{/); // Engine.IO open
  ws.send("40");
  expect(await next()).toMatch(/^40\{/); // Socket.IO connect
  return { ws, next };
}

describe("sessionRelease, under the frames", () => {
  it("drops the last frame's mask after every message, and masked frames still decode: fragmented, batched, and larger than a TCP read", async () => {
    const m = await meshServer();
    const { ws, next } = await rawSocketIO(m.url);
    await waitFor(() => m.sockets.length === 1, { what: "session" });
    const receiver = (m.sockets[0].conn as unknown as { transport: { socket: { _receiver: { _mask?: unknown } } } }).transport.socket._receiver;
    expect("_mask" in receiver).toBe(true);
    expect(receiver._mask).toBeUndefined();

    // One message in three fragments.
    ws.send('421["hel', { fin: false });
    ws.send('lo","frag', { fin: false });
    ws.send('mented"]', { fin: true });
    expect(await next()).toBe('431[{"echo":"fragmented"}]');
    expect(receiver._mask).toBeUndefined();
    // Several messages in one write, then one spread over many TCP reads.
    for (let i = 0; i < 5; i++) ws.send(`42${2 + i}["hello",${i}]`);
    for (let i = 0; i < 5; i++) expect(await next()).toBe(`43${2 + i}[{"echo":${i}}]`);
    const big = "x".repeat(200_000);
    ws.send(`427["hello","${big}"]`);
    expect(await next()).toBe(`437[{"echo":"${big}"}]`);
    expect(receiver._mask).toBeUndefined();
    expect(m.received.map((r) => r[1])).toEqual(["fragmented", 0, 1, 2, 3, 4, big]);
  });
});

describe("LazyAcks", () => {
  it("is empty until an emit with an acknowledgement, then behaves as the Map it stands for", () => {
    const acks = new LazyAcks<string>();
    expect([acks.size, acks.get(1), acks.has(1), acks.delete(1), [...acks]]).toEqual([0, undefined, false, false, []]);
    acks.set(1, "a").set(2, "b");
    expect([acks.size, acks.get(2), [...acks.keys()], [...acks.values()]]).toEqual([2, "b", [1, 2], ["a", "b"]]);
    const seen: Array<[number, string]> = [];
    acks.forEach((v, k) => seen.push([k, v]));
    expect(seen).toEqual([...acks.entries()]);
    expect(acks.delete(1)).toBe(true);
    acks.clear();
    expect(acks.size).toBe(0);
  });

  it("replaces a started socket's acks, and the server's emits with acknowledgements still get theirs", async () => {
    const m = await meshServer();
    const c = client(m.url);
    c.on("ask", (x: number, ack: (y: number) => void) => ack(x * 2));
    c.on("silent", () => undefined);
    await waitFor(() => m.sockets.length === 1 && c.connected, { what: "session" });
    const socket = m.sockets[0];
    const acks = () => (socket as unknown as { acks: unknown }).acks;
    expect(acks()).toBeInstanceOf(LazyAcks);
    // One socket, with and without a timeout; a broadcast (the adapter's own ack path); a timeout that fires.
    expect(await socket.emitWithAck("ask", 1)).toBe(2);
    expect(await socket.timeout(2_000).emitWithAck("ask", 2)).toBe(4);
    expect(await (m.io as unknown as Server).timeout(2_000).emitWithAck("ask", 3)).toEqual([6]);
    await expect(socket.timeout(50).emitWithAck("silent")).rejects.toThrow(/timed out/);
    expect((acks() as LazyAcks).size).toBe(0);
  });
});

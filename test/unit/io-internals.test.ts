/**
 * The runtime adjustments of io-internals.ts against the pinned Socket.IO,
 * Engine.IO and ws, on a real server and client in this process: each test
 * fails if its adjustment stops taking effect (a renamed property after an
 * upgrade) or changes what the libraries do.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { Server } from "socket.io";
import { onEngineConnectionClosed } from "../../src/server/realtime/io-internals.js";
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
  open.push({ close: () => new Promise<void>((resolve) => io.close(() => resolve())) });
  return { http, io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

function client(url: string, transports: ("polling" | "websocket")[] = ["websocket"]): ClientSocket {
  const c = connectClient(url, { transports, reconnection: false, forceNew: true });
  open.push({ close: () => c.close() });
  return c;
}

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

  it("changes nothing when Engine.IO has no clients object", () => {
    expect(onEngineConnectionClosed({}, () => undefined)).toBe(false);
    expect(onEngineConnectionClosed({ clients: new Map() }, () => undefined)).toBe(false);
  });
});

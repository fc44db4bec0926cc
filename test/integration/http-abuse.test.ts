/**
 * Issue 17, finding 7: slow HTTP senders and connection floods from one address,
 * with raw TCP clients on loopback against a real node. Requests that trickle
 * their headers or body are cut off by the request timeouts; one address holds at
 * most MAX_HTTP_CONNECTIONS_PER_IP connections and opens new ones at most at
 * RATE_IP_CONNECT, while another address is served as usual.
 */
import { get } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const REQUEST_TIMEOUT_S = 2;
let slow: ServerProcess;
let capped: ServerProcess;
let rated: ServerProcess;
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  [slow, capped, rated] = await Promise.all([
    startServer({ env: { HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_S), MAX_HTTP_CONNECTIONS_PER_IP: "off", RATE_IP_CONNECT: "off", LOG_LEVEL: "warn" } }),
    startServer({ env: { MAX_HTTP_CONNECTIONS_PER_IP: "20", RATE_IP_CONNECT: "off", LOG_LEVEL: "warn" } }),
    startServer({ env: { MAX_HTTP_CONNECTIONS_PER_IP: "off", RATE_IP_CONNECT: "10/20", LOG_LEVEL: "warn" } }),
  ]);
});
afterEach(() => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of sockets.splice(0)) s.destroy();
});
afterAll(async () => {
  await Promise.all([slow?.stop(), capped?.stop(), rated?.stop()]);
});

interface Tracked {
  socket: Socket;
  openedAt: number;
  closedAt: number | null;
}

/** A raw TCP connection from `localAddress`, recording when the server closed it. */
function open(port: number, localAddress = "127.0.0.1"): Promise<Tracked> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    sockets.push(socket);
    const t: Tracked = { socket, openedAt: Date.now(), closedAt: null };
    socket.on("error", () => undefined);
    socket.on("close", () => (t.closedAt = Date.now()));
    socket.once("connect", () => resolve(t));
  });
}

/** Writes `head` at once, then one byte of `drip` every `everyMs`. */
function trickle(t: Tracked, head: string, drip: string, everyMs: number): void {
  t.socket.write(head);
  let i = 0;
  const timer = setInterval(() => {
    if (t.closedAt !== null || i >= drip.length) return clearInterval(timer);
    t.socket.write(drip[i++]);
  }, everyMs);
  timers.push(timer);
}

function healthzFrom(port: number, localAddress: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path: "/healthz", localAddress, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
  });
}

function measured(scenario: string, values: Record<string, unknown>): void {
  console.log(`measured: ${scenario} ${JSON.stringify(values)}`);
}

describe("slow HTTP senders", () => {
  it("are cut off by the request timeouts, body or headers, in bounded time", async () => {
    const bodies = await Promise.all(Array.from({ length: 40 }, () => open(slow.port)));
    const headers = await Promise.all(Array.from({ length: 40 }, () => open(slow.port)));
    for (const t of bodies) trickle(t, "POST /b/slow HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n", "x".repeat(1000), 500);
    for (const t of headers) trickle(t, "GET /healthz HTTP/1.1\r\n", "X-Slow: " + "y".repeat(1000), 500);
    const all = [...bodies, ...headers];
    // Without timeouts they stay open as long as they trickle (the issue saw 544 of 750 open after 130 s).
    await waitFor(() => all.every((t) => t.closedAt !== null), { timeoutMs: (REQUEST_TIMEOUT_S + 10) * 1000, what: "every slow sender cut off" });
    const heldMs = all.map((t) => t.closedAt! - t.openedAt);
    expect(await healthzFrom(slow.port, "127.0.0.1")).toBe(200);
    measured("slow-http", { connections: all.length, requestTimeoutS: REQUEST_TIMEOUT_S, heldMsMax: Math.max(...heldMs), heldMsMin: Math.min(...heldMs) });
  });
});

describe("connections from one address", () => {
  it("are capped at MAX_HTTP_CONNECTIONS_PER_IP open at once; another address is still served", async () => {
    const conns = await Promise.all(Array.from({ length: 50 }, () => open(capped.port)));
    await waitFor(() => conns.filter((t) => t.closedAt !== null).length >= 30, { what: "the connections past the cap closed" });
    const stillOpen = conns.filter((t) => t.closedAt === null).length;
    // 20 at most from the address; the test process's own keep-alive connection (its readiness probe) may hold one.
    expect(stillOpen).toBeLessThanOrEqual(20);
    expect(stillOpen).toBeGreaterThanOrEqual(19);
    expect(await healthzFrom(capped.port, "127.0.0.2")).toBe(200);
    // One more from the capped address is refused; once some close, it gets in again.
    const extra = await open(capped.port);
    await waitFor(() => extra.closedAt !== null, { what: "the 21st connection refused" });
    for (const t of conns.slice(0, 5)) t.socket.destroy();
    await waitFor(async () => (await healthzFrom(capped.port, "127.0.0.1")) === 200, { what: "room again for the address" });
    measured("connection-cap", { opened: conns.length, keptOpen: stillOpen });
  });

  it("open new ones at most at RATE_IP_CONNECT; another address is still served", async () => {
    const conns = await Promise.all(Array.from({ length: 100 }, () => open(rated.port)));
    const refusedSoon = () => conns.filter((t) => t.closedAt !== null).length;
    await waitFor(() => refusedSoon() >= 70, { what: "connections past the burst refused" });
    const accepted = conns.filter((t) => t.closedAt === null).length;
    // The burst (20), plus what 10/s refills while 100 connections are opened.
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(accepted).toBeLessThanOrEqual(30);
    expect(await healthzFrom(rated.port, "127.0.0.3")).toBe(200);
    measured("connection-rate", { attempted: conns.length, accepted, rate: "10/20" });
  });
});

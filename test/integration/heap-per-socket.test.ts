/**
 * What an idle socket costs a node's heap (BENCHMARKS.md, "Connections: heap per
 * socket"): a real node, clients that join a board, read the ink clock and then
 * do nothing, and the slope of heapUsed after a full GC between two crowds. A
 * memory bound, not a timing: the allocations do not depend on the machine's
 * speed. meshboard was at 14.3 KB before the per-socket work and is ~7.9 KB at
 * 5,000 sockets; the bound is generous so that a few hundred sockets (Map and
 * Set tables grow in steps) never trip it, and low enough that a closure per
 * event, a child logger per session or a once() per connection would.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BoardClient, newId } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const PROBE = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "../helpers/heap-probe.mjs")).href;
const BOUND_BYTES = 10 * 1024;
const FIRST = 100;
const ADDED = 500;
const PER_BOARD = 10;

let server: ServerProcess;
let probeDir: string;
const clients: BoardClient[] = [];

beforeAll(async () => {
  probeDir = mkdtempSync(path.join(tmpdir(), "meshboard-heap-"));
  server = await startServer({
    env: {
      NODE_OPTIONS: `--import=${PROBE}`,
      HEAP_PROBE_DIR: probeDir,
      LOG_LEVEL: "warn",
      // Every client comes from 127.0.0.1: per-address limits would refuse the crowd.
      MAX_CONNECTIONS_PER_IP: "off",
      RATE_IP_CONNECT: "off",
      RATE_IP_OP: "off",
      RATE_IP_LIVE: "off",
      RATE_IP_CONTROL: "off",
    },
  });
});

afterAll(async () => {
  for (const c of clients) c.socket.close();
  await server?.stop();
  rmSync(probeDir, { recursive: true, force: true });
});

/** heapUsed after a full GC in the server process. */
async function heapUsed(): Promise<number> {
  const file = path.join(probeDir, `${server.pid}.json`);
  rmSync(file, { force: true });
  process.kill(server.pid, "SIGUSR2");
  await waitFor(() => existsSync(file), { what: "heap probe answer" });
  return (JSON.parse(readFileSync(file, "utf8")) as { heapUsed: number }).heapUsed;
}

/** Idle sockets as the browser leaves them: joined, caught up, ink clock read once. */
async function crowd(n: number): Promise<void> {
  const boards = Array.from({ length: Math.ceil(n / PER_BOARD) }, () => newId());
  const batch = Array.from({ length: n }, (_, i) => new BoardClient(server.url, boards[Math.floor(i / PER_BOARD)], { transports: ["websocket"], reconnection: false }));
  clients.push(...batch);
  await Promise.all(batch.map((c) => c.ready()));
  await Promise.all(batch.map((c) => c.socket.timeout(10_000).emitWithAck("clock", {})));
}

const settle = () => new Promise((r) => setTimeout(r, 500));

describe("heap per idle socket", () => {
  it(`stays under ${BOUND_BYTES} bytes (slope of heapUsed between ${FIRST} and ${FIRST + ADDED} sockets)`, async () => {
    await crowd(FIRST);
    await settle();
    const before = await heapUsed();
    await crowd(ADDED);
    await settle();
    const after = await heapUsed();
    const perSocket = Math.round((after - before) / ADDED);
    console.log(`measured: heap-per-socket ${JSON.stringify({ sockets: FIRST + ADDED, perSocket, bound: BOUND_BYTES })}`);
    expect(clients.every((c) => c.socket.connected && c.errors.length === 0)).toBe(true);
    expect(perSocket).toBeGreaterThan(1_000); // the probe measured the server's sockets at all
    expect(perSocket).toBeLessThan(BOUND_BYTES);
  });
});

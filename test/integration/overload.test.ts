/**
 * Issue 17, finding 2: one viewer must not be able to freeze a node. On a board
 * of the largest valid ops, one view-only socket sends 15 `sync { since: 0 }` at
 * once, 10 viewers join, and 3 `GET /b/<id>.svg` run in parallel, all at the
 * same time. Throughout, /healthz must answer promptly, the node's RSS must stay
 * bounded, and another board must keep acknowledging strokes.
 *
 * The board was 1,000 such ops (~190 MB); this test uses 90 (~17 MB, still past the 16 MiB slow-client limit) so
 * that it runs in well under a minute on a loaded 2-core machine: the node's work
 * per request is bounded by page size, not board size, so a larger board makes
 * the attack longer, not the freezes longer. The board is written through the
 * node's own SQLite store before the node starts (appending 57 MB over a socket
 * would take most of the test's time).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BoardAccess } from "../../src/server/access/board-access.js";
import { SqliteBoardStore } from "../../src/server/store/sqlite-store.js";
import { LIMITS, type SyncResult } from "../../src/shared/protocol.js";
import { BoardClient, ClientPool, newId, strokeOp } from "../helpers/board-client.js";
import { heavyStroke } from "../helpers/heavy-ops.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";
import { killOnExit } from "../../scripts/lib/cleanup.js";

const OPS = 90;
const WATCHER = path.join(path.dirname(fileURLToPath(import.meta.url)), "../helpers/liveness-watch.mjs");
const SECRET = "overload-test-secret-0123456789abcdef";
/**
 * Generous bounds for a loaded machine; the measured figures are in docs/reliability.md.
 * The freezes these catch lasted 6-30 s; another board's slowest ack reached 2.4 s once
 * while other work loaded this 2-core machine (its median stays ~70 ms).
 */
const HEALTH_BOUND_MS = 1_000;
const OTHER_BOARD_BOUND_MS = 3_000;
const RSS_BOUND_BYTES = 1024 * 1024 * 1024;

let server: ServerProcess;
const clients = new ClientPool();
const access = new BoardAccess(SECRET);
const board = newId();

function measured(scenario: string, values: Record<string, unknown>): void {
  console.log(`measured: ${scenario} ${JSON.stringify(values)}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

interface Watched {
  healthMs: number[];
  failures: string[];
  rssMaxBytes: number;
}

/** /healthz and RSS, watched from a process of their own (liveness-watch.mjs): this one is busy with 11 clients. */
async function watchNode(node: ServerProcess): Promise<{ stop: () => Promise<Watched> }> {
  const child = spawn(process.execPath, [WATCHER, node.url, String(node.pid)], { stdio: ["pipe", "pipe", "inherit"] });
  killOnExit(child);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  await waitFor(() => out.startsWith("watching\n"), { what: "the liveness watcher" });
  return {
    stop: async () => {
      child.stdin.write("stop\n");
      await waitFor(() => out.split("\n").length > 2, { what: "the liveness watcher's report", timeoutMs: 20_000 });
      return JSON.parse(out.split("\n")[1]) as Watched;
    },
  };
}

/** Runs `probe` back to back until stopped, recording how long each took. */
function poll(probe: () => Promise<void>): { times: number[]; failures: string[]; stop: () => Promise<void> } {
  const times: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        await probe();
      } catch (err) {
        failures.push((err as Error).message);
      }
      times.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    times,
    failures,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "meshboard-overload-"));
  const store = new SqliteBoardStore(dataDir, { maxItemsPerBoard: LIMITS.maxItemsPerBoard, maxBytesPerBoard: 64 * 1024 * 1024 });
  for (let i = 0; i < OPS; i++) await store.append(board, { op: heavyStroke(i + 1), author: "attacker-1", at: Date.now() });
  await store.close();
  // The attack's board is over the default byte budget (8 MiB): an operator may raise it.
  server = await startServer({ dataDir, env: { ACCESS_SECRET: SECRET, BOARD_MAX_BYTES: String(64 * 1024 * 1024) } });
}, 120_000);
afterAll(async () => {
  clients.closeAll();
  await server?.stop();
});

describe("a view-only attacker on a board of the largest ops (finding 2)", () => {
  it("15 syncs from 0, 10 joining viewers and 3 parallel SVG renders freeze nothing", async () => {
    const view = access.token(board, "view");
    const rssBefore = rssOf(server.pid);
    const watcher = await watchNode(server);
    const otherBoard = newId();
    const writer = await clients.join(server.url, otherBoard, { token: access.token(otherBoard, "edit"), transports: ["websocket"] });
    const other = poll(async () => {
      const ack = await writer.submit(strokeOp(), 10_000);
      if (!ack.ok) throw new Error(`other board: ${ack.error.code}`);
    });

    const started = performance.now();
    // One view-only socket, 15 syncs from the start at once.
    const attacker = await clients.join(server.url, board, { token: view, transports: ["websocket"] });
    const syncs = Array.from({ length: 15 }, () =>
      (attacker.socket.timeout(60_000).emitWithAck("sync", { since: 0 }) as Promise<SyncResult | { ok: false; error: { code: string } }>).then((r) =>
        "ops" in r ? `page of ${r.ops.length}` : r.error.code,
      ),
    );
    // 10 viewers joining: each gets the whole board.
    const viewers = Array.from({ length: 10 }, () => clients.add(new BoardClient(server.url, board, { token: view }))[0]);
    // 3 parallel SVG renders.
    const svgs = Array.from({ length: 3 }, async () => {
      const r = await fetch(`${server.url}/b/${board}.svg?t=${encodeURIComponent(view)}`, { signal: AbortSignal.timeout(60_000) });
      return { status: r.status, bytes: (await r.arrayBuffer()).byteLength };
    });

    const syncAnswers = await Promise.all(syncs);
    await Promise.all(viewers.map((v) => v.ready(120_000)));
    const svgAnswers = await Promise.all(svgs);
    const seconds = (performance.now() - started) / 1000;
    await other.stop();
    const watched = await watcher.stop();
    const health = { times: watched.healthMs, failures: watched.failures };
    const rssMax = watched.rssMaxBytes;

    measured("overload attack", {
      boardOps: OPS,
      seconds: +seconds.toFixed(1),
      healthzMaxMs: Math.round(Math.max(...health.times)),
      healthzP99Ms: Math.round(percentile(health.times, 0.99)),
      healthzSlowest: [...health.times].sort((x, y) => y - x).slice(0, 5),
      healthzProbes: health.times.length,
      rssBeforeMB: Math.round(rssBefore / 1e6),
      rssMaxMB: Math.round(rssMax / 1e6),
      otherBoardAckP50Ms: Math.round(percentile(other.times, 0.5)),
      otherBoardAckMaxMs: Math.round(Math.max(...other.times)),
      syncAnswers: Object.entries(syncAnswers.reduce<Record<string, number>>((m, a) => ({ ...m, [a.startsWith("page") ? "page" : a]: (m[a.startsWith("page") ? "page" : a] ?? 0) + 1 }), {})),
      svg: svgAnswers.map((s) => `${s.status} ${Math.round(s.bytes / 1e6)} MB`),
    });

    // Every sync answered: a bounded page, or refused as too many (large answers cost more).
    for (const a of syncAnswers) expect(a).toMatch(/^(page of [1-9]\d*|rate_limited)$/);
    for (const v of viewers) expect(v.model.visibleIds()).toHaveLength(OPS);
    for (const s of svgAnswers) expect(s.status).toBe(200);
    expect(health.failures).toEqual([]);
    expect(Math.max(...health.times)).toBeLessThan(HEALTH_BOUND_MS);
    expect(rssMax).toBeLessThan(RSS_BOUND_BYTES);
    expect(other.failures).toEqual([]);
    expect(Math.max(...other.times)).toBeLessThan(OTHER_BOARD_BOUND_MS);
  }, 180_000);
});

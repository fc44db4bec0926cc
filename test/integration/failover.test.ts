/**
 * Issue 17, findings 4 and 5, with real processes: a node frozen by SIGSTOP behind
 * HAProxy (its clients must be drawing on another node within 15 s, stay listed
 * meanwhile, and lose nothing acknowledged), and presence after a Redis restart
 * with AOF (no ghosts of sessions that ended while Redis was down, 5 s after the
 * nodes are ready again).
 *
 * Numbers measured here are printed as `measured:` lines (docs/reliability.md).
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { OP_ACK_TIMEOUT_MS } from "../../src/shared/protocol.js";
import { startLocalCluster, type LocalCluster, type LocalClusterOptions } from "../../scripts/local-cluster.js";
import { audit, storedLog } from "../helpers/board-audit.js";
import { connect, newId, type BoardClient } from "../helpers/board-client.js";
import { Drawer } from "../helpers/drawer.js";
import { waitFor } from "../helpers/wait.js";

const clusters: LocalCluster[] = [];
const drawers: Drawer[] = [];
const clients: BoardClient[] = [];
const frozen: number[] = [];

async function cluster(opts: Partial<LocalClusterOptions> = {}): Promise<LocalCluster> {
  const c = await startLocalCluster({ routing: "cookie", nodes: 3, ...opts });
  clusters.push(c);
  return c;
}
afterEach(() => {
  for (const pid of frozen.splice(0)) resume(pid);
  for (const d of drawers.splice(0)) d.close();
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

function resume(pid: number): void {
  try {
    process.kill(pid, "SIGCONT");
  } catch {
    // already gone
  }
}

function measured(scenario: string, values: Record<string, unknown>): void {
  console.log(`measured: ${scenario} ${JSON.stringify(values)}`);
}

const totalAcked = (ds: Drawer[]) => ds.reduce((n, d) => n + d.acked.size, 0);
async function drawMore(ds: Drawer[], n: number, timeoutMs = 30_000): Promise<void> {
  const target = totalAcked(ds) + n;
  await waitFor(() => totalAcked(ds) >= target, { timeoutMs, what: `${n} more acknowledged ops` });
}
async function readyz(url: string): Promise<number> {
  return fetch(`${url}/readyz`).then(
    (r) => r.status,
    () => 0,
  );
}

describe("a node freezes (SIGSTOP)", () => {
  it("its clients draw on another node within 15 s, stay listed meanwhile, and nothing acknowledged is lost", async () => {
    const c = await cluster();
    const board = newId();
    const ds = Array.from({ length: 6 }, (_, i) => new Drawer(c.url, board, { name: `drawer${i}`, strokeEveryMs: 80, ackTimeoutMs: OP_ACK_TIMEOUT_MS }));
    drawers.push(...ds);
    await waitFor(() => ds.every((d) => d.connected), { what: "drawers connected" });
    for (const d of ds) d.start();
    await drawMore(ds, 40);

    const victim = c.nodes.find((n) => n.nodeId === ds[0].node)!;
    const affected = ds.filter((d) => d.node === victim.nodeId);
    // Someone on another node watches the board's people list throughout.
    const observer = await connect(c.nodes.find((n) => n !== victim)!.url, board, { name: "observer" });
    clients.push(observer);
    const names = affected.map((d) => d.opts.name!);
    await observer.waitForPeers((ps) => names.every((n) => ps.some((p) => p.name === n)), "the frozen node's people listed");
    const unlisted = new Set<string>();
    const watch = setInterval(() => {
      for (const n of names) if (!observer.peers.some((p) => p.name === n)) unlisted.add(n);
    }, 50);

    const frozenAt = Date.now();
    process.kill(victim.pid, "SIGSTOP");
    frozen.push(victim.pid);
    let reconnectMs: number[];
    try {
      await waitFor(() => affected.every((d) => d.connected && d.node !== victim.nodeId), { timeoutMs: 40_000, what: "drawers on other nodes" });
      reconnectMs = affected.map((d) => d.welcomes.find((w) => w.at > frozenAt)!.at - frozenAt);
      await drawMore(ds, 40);
    } finally {
      clearInterval(watch);
      resume(victim.pid);
    }

    for (const d of ds) d.stop();
    await Promise.all(ds.map((d) => d.settled(30_000)));
    const result = audit(
      await storedLog(c.redis.url, board),
      ds.flatMap((d) => [...d.acked]),
    );
    expect(result.seqGaps).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.lost).toEqual([]);
    for (const d of ds) expect(d.acked.size).toBe(d.drawn.length);
    expect([...unlisted], "the frozen node's people were never dropped from the list").toEqual([]);
    // The bound: Socket.IO's defaults held them ~40 s.
    expect(Math.max(...reconnectMs)).toBeLessThan(15_000);
    measured("sigstop", { moved: affected.length, reconnectMs, head: result.head, acknowledged: result.acknowledged, lost: 0 });
  });
});

describe("presence after a Redis restart (AOF)", () => {
  it("lists nobody whose session ended while Redis was down, 5 s after the nodes are ready again", async () => {
    const c = await cluster({ nodes: 2, redis: { appendfsync: "always" } });
    const board = newId();
    const observer = await connect(c.nodes[0].url, board, { name: "observer" });
    const leavers = await Promise.all([0, 1, 0, 1].map((i, k) => connect(c.nodes[i].url, board, { name: `leaver${k}`, reconnection: false })));
    clients.push(observer, ...leavers);
    await observer.waitForPeers((ps) => ps.length === 5, "everyone listed");

    await c.redis.stop();
    await waitFor(() => leavers.every((l) => !l.socket.connected), { what: "the leavers cut off with Redis" });
    await c.redis.restart();
    await waitFor(async () => (await Promise.all(c.nodes.map((n) => readyz(n.url)))).every((s) => s === 200), { timeoutMs: 20_000, what: "nodes ready" });
    const readyAt = Date.now();

    const redis = createClient({ url: c.redis.url });
    await redis.connect();
    try {
      const listedInRedis = async () => Object.values(await redis.hGetAll(`mb:{${board}}:presence`)).map((j) => (JSON.parse(j) as { name: string }).name);
      await waitFor(async () => JSON.stringify(await listedInRedis()) === JSON.stringify(["observer"]), {
        timeoutMs: 5_000,
        what: "only the observer's new session in Redis",
      }).catch(async (err: Error) => {
        throw new Error(`${err.message}; Redis lists ${JSON.stringify(await listedInRedis())}`);
      });
      const cleanMs = Date.now() - readyAt;
      await observer.waitForPeers((ps) => ps.length === 1 && ps[0].name === "observer", "the observer lists only itself", 5_000);
      measured("redis-restart-presence", { ghostsGoneAfterReadyMs: cleanMs });
    } finally {
      await redis.close().catch(() => undefined);
    }
  });
});

/** Cluster presence (src/server/cluster/redis-presence.ts) against a real redis-server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import type { Peer } from "../../src/shared/protocol.js";
import { RedisPresence, type PresenceRedis } from "../../src/server/cluster/redis-presence.js";
import type { PresenceWatcher } from "../../src/server/realtime/presence.js";
import { startRedis, type RedisProcess } from "../../scripts/lib/redis-process.js";
import { newId } from "../helpers/board-client.js";
import { waitFor } from "../helpers/wait.js";

let redis: RedisProcess;
let client: ReturnType<typeof createClient>;
const registries: RedisPresence[] = [];
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await Promise.all(registries.map((r) => r.close()));
  await client.close().catch(() => undefined);
  await redis.stop();
});

/** The real client, counting the commands a registry sends. */
function counting() {
  const calls = { eval: 0, hGetAll: 0 };
  const commands: PresenceRedis = {
    eval: (script, options) => {
      calls.eval++;
      return client.eval(script, options);
    },
    hGetAll: (key) => {
      calls.hGetAll++;
      return client.hGetAll(key);
    },
  };
  return { commands, calls };
}

function peer(node: string, name = "someone"): Peer {
  return { sessionId: newId().slice(0, 12), clientId: newId(), name, color: "#1971c2", node, readOnly: false };
}

/** A registry (one node) with its own key prefix per test, recording what it reports. */
function node(prefix: string, ttlMs?: number) {
  const { commands, calls } = counting();
  const registry = new RedisPresence(commands, { prefix, ttlMs });
  registries.push(registry);
  const expired: Array<[string, string[]]> = [];
  const restored: Array<[string, Peer[]]> = [];
  const watcher: PresenceWatcher = {
    expired: (b, ids) => expired.push([b, ids]),
    restored: (b, peers) => restored.push([b, peers]),
  };
  registry.watch(watcher);
  return { registry, calls, expired, restored };
}

describe("RedisPresence", () => {
  it("writes joins, renames and leaves without reading the board's list; a snapshot reads it once", async () => {
    const prefix = `t${newId()}`;
    const { registry, calls } = node(prefix);
    const peers = Array.from({ length: 20 }, (_, i) => peer("node1", `p${i}`));
    for (const p of peers) await registry.upsert("b1", p);
    await registry.upsert("b1", { ...peers[0], name: "renamed" });
    await registry.remove("b1", peers[1].sessionId);
    expect(calls.hGetAll).toBe(0);
    expect(calls.eval).toBe(22);
    const listed = await registry.snapshot("b1");
    expect(calls.hGetAll).toBe(1);
    expect(new Set(listed.map((p) => p.sessionId))).toEqual(new Set([...peers.slice(0, 1), ...peers.slice(2)].map((p) => p.sessionId)));
    expect(listed.find((p) => p.sessionId === peers[0].sessionId)?.name).toBe("renamed");
    // Boards are apart.
    expect(await registry.snapshot("b2")).toEqual([]);
  });

  it("shares one read among the snapshots asked for while a read is in flight, and never serves a read older than the caller's write", async () => {
    const prefix = `t${newId()}`;
    const { registry, calls } = node(prefix);
    const first = peer("node1", "first");
    await registry.upsert("b1", first);
    const running = registry.snapshot("b1");
    // Written after the running read was sent: the next snapshots must see it.
    const later = peer("node1", "later");
    await registry.upsert("b1", later);
    const queued = Array.from({ length: 10 }, () => registry.snapshot("b1"));
    const results = await Promise.all([running, ...queued]);
    expect(calls.hGetAll).toBe(2);
    for (const r of results.slice(1)) expect(r.map((p) => p.name).sort()).toEqual(["first", "later"]);
  });

  it("reports the peers of a node that stopped heartbeating as expired, exactly once across the nodes that sweep", async () => {
    const prefix = `t${newId()}`;
    const ttlMs = 2_000;
    const a = node(prefix, ttlMs);
    const c = node(prefix, ttlMs);
    const dead = node(prefix, ttlMs);
    const alive = [peer("a"), peer("c")];
    await a.registry.upsert("b1", alive[0]);
    await c.registry.upsert("b1", alive[1]);
    const ghosts = [peer("dead"), peer("dead"), peer("dead")];
    for (const g of ghosts) await dead.registry.upsert("b1", g);
    // The node dies: no more heartbeats, nothing removed.
    await dead.registry.close();

    const reported = () => [...a.expired, ...c.expired].flatMap(([, ids]) => ids);
    await waitFor(() => reported().length >= 3, { what: "the dead node's peers reported expired", timeoutMs: 10_000 });
    // Both live nodes keep sweeping (heartbeat every ttl/3); give them a few more rounds.
    await a.registry.heartbeat();
    await c.registry.heartbeat();
    await a.registry.heartbeat();
    expect(reported().sort()).toEqual(ghosts.map((g) => g.sessionId).sort());
    expect([...a.expired, ...c.expired].every(([b]) => b === "b1")).toBe(true);
    // The live peers, heartbeating, never expire.
    expect((await a.registry.snapshot("b1")).map((p) => p.sessionId).sort()).toEqual(alive.map((p) => p.sessionId).sort());
  });

  it("writes back, and reports as restored, its own peers that a sweep took out (a stalled node)", async () => {
    const prefix = `t${newId()}`;
    const a = node(prefix, 60_000);
    const p = peer("a");
    await a.registry.upsert("b1", p);
    // What a sweep on another node does to a peer whose heartbeat came too late.
    await client.zRem(`${prefix}:{b1}:presence:exp`, p.sessionId);
    await client.hDel(`${prefix}:{b1}:presence`, p.sessionId);
    expect(await a.registry.snapshot("b1")).toEqual([]);
    await a.registry.heartbeat();
    expect(a.restored).toEqual([["b1", [p]]]);
    expect(await a.registry.snapshot("b1")).toEqual([p]);
    // A removed peer is not written back.
    await a.registry.remove("b1", p.sessionId);
    await a.registry.heartbeat();
    expect(await a.registry.snapshot("b1")).toEqual([]);
    expect(a.restored).toHaveLength(1);
  });
});

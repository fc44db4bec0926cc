/** meshboard on a real 3-master Redis Cluster: the sharded adapter's intended home. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type RedisClusterProcess } from "../../scripts/lib/redis-cluster.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { ClientPool, newId, strokeOp } from "../helpers/board-client.js";
import { waitFor } from "../helpers/wait.js";

const run = promisify(execFile);
let redis: RedisClusterProcess;
const nodes: ServerProcess[] = [];
const clients = new ClientPool();

beforeAll(async () => {
  redis = await startRedisCluster(3);
  for (const id of ["rc1", "rc2"]) nodes.push(await startServer({ nodeId: id, env: { REDIS_URL: redis.url, LOG_LEVEL: "warn" } }));
});
afterAll(async () => {
  clients.closeAll();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.stop();
});

/** Board ids whose hash slots (keys are tagged `{board}`) fall `n` in each master's range (0-5460, 5461-10922, 10923-16383). */
async function boardsPerThird(n: number): Promise<string[]> {
  const thirds: string[][] = [[], [], []];
  while (thirds.some((t) => t.length < n)) {
    const id = newId();
    const slot = Number((await run("redis-cli", ["-p", String(redis.masters[0].port), "cluster", "keyslot", id])).stdout.trim());
    const third = thirds[slot < 5_461 ? 0 : slot < 10_923 ? 1 : 2];
    if (third.length < n) third.push(id);
  }
  return thirds.flat();
}

describe("Redis Cluster", () => {
  it("sequences, fans out across nodes and serves late joiners for boards spread over every shard", async () => {
    // Four boards in each third of the hash slots (how redis-cli --cluster create splits them over three masters).
    const boards = await boardsPerThird(4);
    for (const board of boards) {
      const a = await clients.join(nodes[0].url, board);
      const b = await clients.join(nodes[1].url, board);
      const ops = [strokeOp(), strokeOp()];
      for (const op of ops) expect(await a.submit(op)).toMatchObject({ ok: true });
      await waitFor(() => b.model.head === 2, { what: `board ${board} at node rc2` });
      const late = await clients.join(nodes[1].url, board);
      expect(late.model.visibleIds()).toEqual(ops.map((o) => o.item.id));
      // Idempotency holds on the cluster too.
      expect(await b.submit(ops[0])).toMatchObject({ ok: true, duplicate: true, seq: 1 });
    }
    // The boards really are spread over every master.
    const keysPerMaster = await Promise.all(
      redis.masters.map(async (m) => Number((await run("redis-cli", ["-p", String(m.port), "dbsize"])).stdout.trim())),
    );
    for (const n of keysPerMaster) expect(n).toBeGreaterThan(0);
  });
});

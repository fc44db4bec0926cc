/**
 * Per-address limits over the whole cluster (issue 16): three nodes behind a real
 * HAProxy (board affinity, so the test chooses the node by the board), one real
 * Redis holding the counts.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startLocalCluster, type LocalCluster } from "../../scripts/local-cluster.js";
import { BoardClient, ClientPool, newId, strokeOp } from "../helpers/board-client.js";
import { waitFor } from "../helpers/wait.js";

const pool = new ClientPool();
let cluster: LocalCluster | undefined;
let second: LocalCluster | undefined;
afterEach(() => pool.closeAll());
afterAll(async () => {
  await cluster?.stop();
  await second?.stop();
});

/** A board id the balancer sends to `nodeId` (found by joining boards and leaving). */
async function boardOn(c: LocalCluster, nodeId: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const board = newId();
    const client = await pool.join(c.url, board);
    const node = client.welcome!.node;
    client.close();
    if (node === nodeId) return board;
  }
  throw new Error(`no board found on ${nodeId}`);
}

describe("limits across the cluster", () => {
  it("a client at the per-address connection limit on node 1 is refused on node 2 too, through HAProxy", async () => {
    cluster = await startLocalCluster({ routing: "board", nodes: 3, nodeEnv: { MAX_CONNECTIONS_PER_IP: "3", LOG_LEVEL: "info" } });
    const c = cluster;
    const [onNode1, onNode2] = [await boardOn(c, "node1"), await boardOn(c, "node2")];
    // The probes' slots are given back as they close.
    const holders: BoardClient[] = [];
    await waitFor(
      async () => {
        const client = new BoardClient(c.url, onNode1, { reconnection: false });
        pool.add(client);
        const ok = await client.ready(3_000).then(
          () => true,
          () => false,
        );
        if (ok) holders.push(client);
        else client.close();
        return holders.length === 3;
      },
      { timeoutMs: 15_000, what: "3 connections on node1" },
    );
    expect(holders.every((h) => h.welcome!.node === "node1")).toBe(true);

    const refused = new BoardClient(c.url, onNode2, { reconnection: true });
    pool.add(refused);
    await waitFor(() => refused.connectError !== null, { what: "the 4th connection refused" });
    expect(refused.connectError!.message).toMatch(/too many connections from your address|xhr poll error|websocket error/);
    await waitFor(() => c.nodes[1].output().includes("too many from one address across the cluster"), { what: "node2 refused it" });
    expect(refused.socket.connected).toBe(false);

    // A slot freed on node 1 lets it in on node 2.
    holders[0].close();
    await refused.ready(20_000);
    expect(refused.welcome!.node).toBe("node2");
    expect(await refused.submit(strokeOp())).toMatchObject({ ok: true });
  }, 60_000);

  it("new boards per address are counted over every node: the third new board is refused, drawing on the others goes on", async () => {
    second = await startLocalCluster({ routing: "cookie", nodes: 3, nodeEnv: { RATE_IP_NEW_BOARD: "0.01/2" } });
    const [a, b, c] = await Promise.all(second.nodes.map((n) => pool.join(n.url, newId())));
    expect(await a.submit(strokeOp())).toMatchObject({ ok: true });
    expect(await b.submit(strokeOp())).toMatchObject({ ok: true });
    expect(await c.submit(strokeOp())).toMatchObject({
      ok: false,
      error: { code: "rate_limited", message: "too many new boards from your address; wait a while, or draw on a board you already have" },
    });
    expect(await a.submit(strokeOp())).toMatchObject({ ok: true, seq: 2 });
    // Joining an existing board creates nothing.
    const joiner = await pool.join(second.nodes[2].url, b.boardId);
    expect(await joiner.submit(strokeOp())).toMatchObject({ ok: true, seq: 2 });
  }, 60_000);
});

/** The storage contract suite against a real redis-server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { MismatchedReplyError, RedisBoardStore, type RedisCommands } from "../../src/server/store/redis-store.js";
import { startRedis, type RedisProcess } from "../../scripts/lib/redis-process.js";
import { storeContract } from "../unit/store-contract.js";
import { newId, strokeOp } from "../helpers/board-client.js";

let redis: RedisProcess;
const clients: Array<ReturnType<typeof createClient>> = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await redis.stop();
});

const prefixes = new Map<string, string>();
storeContract("Redis", {
  async open(limits, key) {
    const client = createClient({ url: redis.url });
    clients.push(client);
    await client.connect();
    // A fresh key prefix isolates each test; the same key reopens the same data.
    let prefix = key ? prefixes.get(key) : undefined;
    if (!prefix) {
      prefix = `t${newId()}`;
      if (key) prefixes.set(key, prefix);
    }
    return new RedisBoardStore(client, limits, prefix);
  },
});

describe("replies out of step with their commands", () => {
  it("an append answered with another append's reply fails instead of acknowledging at the wrong seq; the resend is stored once", async () => {
    const client = createClient({ url: redis.url });
    clients.push(client);
    await client.connect();
    // The real connection, except that each eval gets the previous eval's reply: what a
    // node-redis connection out of step after a Redis restart delivers.
    let previous: unknown = null;
    const shifted: RedisCommands = Object.assign(Object.create(client) as RedisCommands, {
      eval: async (script: string, options: { keys: string[]; arguments: string[] }) => {
        const reply = await client.eval(script, options);
        const answer = previous;
        previous = reply;
        return answer;
      },
    });
    const limits = { maxItemsPerBoard: 1000 };
    const prefix = `t${newId()}`;
    const outOfStep = new RedisBoardStore(shifted, limits, prefix);
    const board = newId();
    const [a, b] = [strokeOp([1, 2, 3, 4]), strokeOp([5, 6, 7, 8])];
    await expect(outOfStep.append(board, { op: a, author: "x", at: 1 })).rejects.toBeInstanceOf(MismatchedReplyError);
    // b gets a's reply (seq 1): refused too, though both are stored.
    await expect(outOfStep.append(board, { op: b, author: "x", at: 2 })).rejects.toThrow(/another command's reply/);
    // The clients resend over a sound connection: each is found stored, once, at its own seq.
    const sound = new RedisBoardStore(client, limits, prefix);
    const again = await Promise.all([a, b].map((op) => sound.append(board, { op, author: "x", at: 3 })));
    expect(again.map((r) => [r.duplicate, r.stored.seq, r.stored.op.opId])).toEqual([
      [true, 1, a.opId],
      [true, 2, b.opId],
    ]);
    expect((await sound.readSince(board, 0, 10)).map((o) => o.op.opId)).toEqual([a.opId, b.opId]);
  });
});

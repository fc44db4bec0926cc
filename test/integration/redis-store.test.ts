/** The storage contract suite against a real redis-server. */
import { afterAll, beforeAll } from "vitest";
import { createClient } from "redis";
import { RedisBoardStore } from "../../src/server/store/redis-store.js";
import { startRedis, type RedisProcess } from "../../scripts/lib/redis-process.js";
import { storeContract } from "../unit/store-contract.js";
import { newId } from "../helpers/board-client.js";

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

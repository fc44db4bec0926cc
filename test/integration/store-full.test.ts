/**
 * Issue 17, finding 3: Redis full (`maxmemory` reached, `noeviction`). The node
 * keeps serving boards read-only with a plain reason instead of closing every
 * joiner's connection, logs the refusals once per interval with a count, and
 * gives people their tools back by itself once Redis takes writes again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { startRedis, type RedisProcess } from "../../scripts/lib/redis-process.js";
import type { Browser } from "playwright-core";
import { ClientPool, BoardClient, newId, strokeOp } from "../helpers/board-client.js";
import { launchBrowser } from "../helpers/browser.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

let redis: RedisProcess;
let node: ServerProcess;
let admin: ReturnType<typeof createClient>;
let browser: Browser;
const pool = new ClientPool();

beforeAll(async () => {
  redis = await startRedis({ extraArgs: ["--maxmemory", "8mb", "--maxmemory-policy", "noeviction"] });
  admin = createClient({ url: redis.url });
  await admin.connect();
  node = await startServer({ env: { REDIS_URL: redis.url, LOG_LEVEL: "info" } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  pool.closeAll();
  await node?.stop();
  await admin?.close().catch(() => undefined);
  await redis?.stop();
});

/** Fills Redis with filler keys until it refuses even small writes (OOM); returns how many it took. */
async function fillRedis(): Promise<number> {
  let n = 0;
  // Big chunks first, then smaller ones: a refused big write only shows that one did not fit.
  for (const size of [256 * 1024, 16 * 1024, 1024, 64]) {
    const chunk = "x".repeat(size);
    for (;;) {
      try {
        await admin.set(`filler:${n}`, chunk);
        n++;
      } catch (err) {
        expect(String(err)).toMatch(/OOM/);
        break;
      }
    }
  }
  // Right at the limit, Redis frees client buffers and takes a few more writes; a
  // full store stays full: the limit goes below what is used, as data keeps coming.
  await admin.configSet("maxmemory", "6mb");
  return n;
}

function lines(text: string, message: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((l) => l.includes(`"msg":"${message}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("Redis full (maxmemory, noeviction)", () => {
  it("serves joiners the board read-only with a reason, refuses ops as transient, logs counts, and recovers by itself", async () => {
    const board = newId();
    const writer = await pool.join(node.url, board, { name: "writer" });
    for (let i = 0; i < 5; i++) expect((await writer.submit(strokeOp())).ok).toBe(true);

    const fillers = await fillRedis();
    expect(fillers).toBeGreaterThan(0);

    // A joiner gets the whole board, read-only, with a reason, and stays connected.
    const joiner = pool.add(new BoardClient(node.url, board, { name: "joiner" }))[0];
    await joiner.ready();
    expect(joiner.model.head).toBe(5);
    expect(joiner.welcome).toMatchObject({ readOnly: true, readOnlyReason: expect.stringMatching(/full/) });
    expect(joiner.peers.map((p) => p.name).sort()).toEqual(["joiner", "writer"]);

    // Ops are refused as transient (the client keeps them), many times over; nobody is disconnected.
    const refusals = await Promise.all(Array.from({ length: 40 }, () => writer.submit(strokeOp())));
    expect(new Set(refusals.map((r) => (r.ok ? "ok" : r.error.code)))).toEqual(new Set(["storage_full"]));
    const ready = await (await fetch(`${node.url}/readyz`)).json();
    expect(ready).toMatchObject({ status: "ready", degraded: ["store-writes"] });
    expect(joiner.socket.connected && writer.socket.connected).toBe(true);
    const welcomesBefore = joiner.welcome;

    // A person opening the board sees why they cannot draw, in plain words, where the page starts.
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${node.url}/b/${board}`);
    const banner = page.locator(".notice-banner");
    await banner.waitFor({ state: "visible", timeout: 15_000 });
    expect(await banner.textContent()).toMatch(/full/);

    // One line for the first refusal (its message, no stack), the rest counted.
    const appendLines = lines(node.output(), "append failed");
    expect(appendLines.length).toBeGreaterThanOrEqual(1);
    expect(appendLines.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(appendLines)).not.toContain("stack");
    expect(JSON.stringify(appendLines[0])).toContain("OOM");

    // Room again: the read-only session is sent to reconnect and comes back writable.
    for (let i = 0; i < fillers; i++) await admin.del(`filler:${i}`);
    await admin.configSet("maxmemory", "8mb");
    await waitFor(() => joiner.welcome !== welcomesBefore && joiner.welcome?.readOnly === false && joiner.socket.connected, {
      timeoutMs: 15_000,
      what: "the joiner back on a writable session",
    });
    expect(joiner.welcome?.readOnlyReason).toBeUndefined();
    // The page got its tools back too: the banner is gone.
    await banner.waitFor({ state: "hidden", timeout: 15_000 });
    expect(await joiner.submit(strokeOp())).toMatchObject({ ok: true, seq: 6 });
    expect((await (await fetch(`${node.url}/readyz`)).json()).degraded).toEqual([]);
    // The refusals of the 40 ops were counted in at most one more line per interval.
    await waitFor(() => lines(node.output(), "append failed (repeated)").length > 0, { timeoutMs: 15_000, what: "the count of repeated refusals" });
    const repeated = lines(node.output(), "append failed (repeated)");
    expect(repeated.reduce((n, l) => n + Number(l.repeated), 0) + appendLines.length).toBe(40);
  });
});

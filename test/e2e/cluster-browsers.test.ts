/**
 * Two real browsers through HAProxy (affinity cookie `io`, as Istio inserts it)
 * land on different nodes of a 3-node cluster and still share one board.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AFFINITY_COOKIE } from "../../src/shared/constants.js";
import { startLocalCluster, type LocalCluster } from "../../scripts/local-cluster.js";
import { drawStroke, hook, inkAt, launchBrowser } from "../helpers/browser.js";
import { newId } from "../helpers/board-client.js";
import { waitFor } from "../helpers/wait.js";

let cluster: LocalCluster;
let browser: Browser;
beforeAll(async () => {
  mkdirSync("test-artifacts", { recursive: true });
  [cluster, browser] = await Promise.all([startLocalCluster({ routing: "cookie", nodes: 3 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
});

async function open(boardId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 900, height: 650 } });
  const page = await context.newPage();
  await page.goto(`${cluster.url}/b/${boardId}`);
  await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });
  return page;
}

describe("browsers on different nodes", () => {
  it("see each other's drawing", async () => {
    const board = newId();
    // The balancer spreads new browsers round-robin and pins each with its cookie;
    // open browsers until two are served by different nodes (at most one per node).
    const pages: Page[] = [];
    const nodes = new Set<string | null>();
    while (nodes.size < 2 && pages.length < 3) {
      const p = await open(board);
      pages.push(p);
      nodes.add(await hook(p, "node"));
    }
    expect(nodes.size).toBe(2);
    // The loop stopped at the first page served by a second node.
    const a = pages[0];
    const other = pages[pages.length - 1];
    const nodeA = await hook(a, "node");
    const nodeB = await hook(other, "node");
    expect(nodeA).not.toBe(nodeB);

    // Each browser holds the balancer's affinity cookie, and the app did not overwrite it.
    const cookies = await a.context().cookies(cluster.url);
    expect(cookies.find((c) => c.name === AFFINITY_COOKIE)?.value).toBe(nodeA);

    const stroke: [number, number][] = [
      [250, 250],
      [400, 280],
      [550, 320],
    ];
    await drawStroke(a, stroke);
    await waitFor(async () => (await hook(other, "itemCount")) === 1, { what: `stroke from ${nodeA} on ${nodeB}` });
    await waitFor(async () => (await inkAt(other, "scene", [[400, 280]]))[0] > 200, { what: "ink pixels on the other node's page" });
    await other.screenshot({ path: "test-artifacts/cluster-other-node.png" });

    // And back the other way.
    await drawStroke(other, [
      [250, 450],
      [500, 470],
    ]);
    await waitFor(async () => (await hook(a, "itemCount")) === 2, { what: `stroke from ${nodeB} on ${nodeA}` });
  });
});

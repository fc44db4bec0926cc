/**
 * The image and docker-compose.yml for real (issue 15): the app image as the
 * Kubernetes manifests run it, and the compose topology (Redis with AOF,
 * 3 nodes, HAProxy) under cookie and under board routing, checked through
 * HAProxy's loopback-published port. test/containers/run.sh starts the engine
 * and builds the bases and the image first (`npm run test:containers`).
 *
 * Each scenario audits the board in Redis against every acknowledgement, as
 * test/integration/faults.test.ts does with plain processes.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AFFINITY_COOKIE, HEALTH_PATH } from "../../src/shared/constants.js";
import { COMPOSE_NODES, COMPOSE_ROUTINGS } from "../../scripts/lib/compose-haproxy.js";
import { freePort } from "../../scripts/lib/free-port.js";
import { expectNothingLostOrDuplicated } from "../helpers/nothing-lost.js";
import { connect, newId, strokeOp } from "../helpers/board-client.js";
import { drawStroke, hook, launchBrowser } from "../helpers/browser.js";
import { Drawer } from "../helpers/drawer.js";
import { waitFor } from "../helpers/wait.js";
import { ComposeProject, DOCKER, IMAGE, PROJECT_PREFIX, ROOT, docker, run } from "./docker.js";

const BIN = path.join(ROOT, "bin/meshboard.js");
const OVERRIDE = "test/containers/compose.test.yml";

let browser: Browser | undefined;
const drawers: Drawer[] = [];
afterAll(async () => {
  for (const d of drawers.splice(0)) d.close();
  await browser?.close();
});

function drawer(url: string, board: string, name: string): Drawer {
  const d = new Drawer(url, board, { name, strokeEveryMs: 60 });
  drawers.push(d);
  return d;
}

const totalAcked = (ds: Drawer[]) => ds.reduce((n, d) => n + d.acked.size, 0);

async function drawMore(ds: Drawer[], n: number, timeoutMs = 30_000): Promise<void> {
  const target = totalAcked(ds) + n;
  await waitFor(() => totalAcked(ds) >= target, { timeoutMs, what: `${n} more acknowledged strokes` });
}

/** The fault tests' audit (test/helpers/nothing-lost.ts), with a container's longer waits; the drawers are closed after. */
async function expectNothingLost(redisUrl: string, board: string, ds: Drawer[]): Promise<{ head: number; acknowledged: number }> {
  const result = await expectNothingLostOrDuplicated(redisUrl, board, ds, { settleMs: 60_000, headMs: 30_000 });
  for (const d of ds) d.close();
  return result;
}

function measured(scenario: string, values: Record<string, unknown>): void {
  console.log(`measured: containers ${scenario} ${JSON.stringify(values)}`);
}

describe("the image", () => {
  it("runs node only, as uid 1000: no npm, no compiler", async () => {
    expect((await docker("image", "inspect", "-f", "{{.Config.User}}", IMAGE)).trim()).toBe("1000:1000");
    const tools = ["npm", "npx", "corepack", "yarn", "gcc", "g++", "cc", "c++", "make", "python3"];
    const probe = `id -u; for t in ${tools.join(" ")}; do command -v "$t" || true; done`;
    const out = await docker("run", "--rm", "--network", "none", "--read-only", "--entrypoint", "sh", IMAGE, "-c", probe);
    expect(out.trim().split("\n")).toEqual(["1000"]);
  });

  it("serves with a read-only root, its data (embedded SQLite) on a volume and /tmp in memory, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const volume = `${PROJECT_PREFIX}single-data`;
    const name = `${PROJECT_PREFIX}single`;
    await run(DOCKER, ["rm", "-f", name]);
    await run(DOCKER, ["volume", "rm", volume]);
    try {
      await docker("run", "-d", "--name", name, "--read-only", "--tmpfs", "/tmp:size=64m", "-v", `${volume}:/app/data`, "-e", "NODE_ID=solo", "-p", `127.0.0.1:${port}:3000`, IMAGE);
      const url = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${url}${HEALTH_PATH}`)).ok, { timeoutMs: 60_000, what: "the container's /healthz" });
      const board = newId();
      const client = await connect(url, board);
      try {
        const ack = await client.submit(strokeOp());
        expect(ack.ok).toBe(true);
      } finally {
        client.close();
      }
      // The stroke is in the SQLite file on the volume, written as uid 1000.
      const files = await docker("run", "--rm", "--network", "none", "-v", `${volume}:/data:ro`, "--entrypoint", "sh", IMAGE, "-c", "ls -ln /data");
      expect(files).toMatch(/ 1000 +1000 .* meshboard\.sqlite$/m);
      await docker("stop", name);
      expect((await docker("inspect", "-f", "{{.State.ExitCode}}", name)).trim()).toBe("0");
    } finally {
      await run(DOCKER, ["rm", "-f", name]);
      await run(DOCKER, ["volume", "rm", volume]);
    }
  });
});

describe.each(COMPOSE_ROUTINGS)("docker-compose.yml with %s routing", (routing) => {
  let project: ComposeProject;
  let url = "";
  let redisUrl = "";
  let failed = false;

  /** Every node answers through HAProxy (fresh requests, spread by round robin or by board). */
  async function allNodesServing(timeoutMs = 90_000): Promise<void> {
    const seen = new Set<string>();
    await waitFor(
      async () => {
        for (let i = 0; i < 12 && seen.size < COMPOSE_NODES.length; i++) {
          const r = await fetch(`${url}${HEALTH_PATH}?board=${newId()}`);
          if (r.ok) seen.add(((await r.json()) as { node: string }).node);
        }
        return seen.size === COMPOSE_NODES.length;
      },
      { timeoutMs, intervalMs: 250, what: `every node serving through HAProxy (seen: ${[...seen].join(", ") || "none"})` },
    );
  }

  beforeAll(async () => {
    const [port, redisPort] = await Promise.all([freePort(), freePort()]);
    url = `http://127.0.0.1:${port}`;
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    project = await ComposeProject.create(`${PROJECT_PREFIX}${routing}`, ["docker-compose.yml", OVERRIDE], {
      ROUTING: routing,
      MESHBOARD_PORT: String(port),
      MESHBOARD_TEST_REDIS_PORT: String(redisPort),
    });
    await project.up();
    await allNodesServing();
  });
  afterAll(async () => {
    for (const d of drawers.splice(0)) d.close();
    if (!project) return;
    if (failed) {
      console.log(`compose logs of ${project.name}:\n${await project.logs()}`);
    }
    await project.down();
  });
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
      } catch (err) {
        failed = true;
        throw err;
      }
    });

  step("the nodes run read-only as uid 1000, and meshboard doctor passes through the published port", async () => {
    for (const n of COMPOSE_NODES) {
      const s = await project.state(n);
      expect(s.readOnlyRoot).toBe(true);
      expect((await project.exec(n, "id", "-u")).stdout.trim()).toBe("1000");
    }
    const args = routing === "cookie" ? ["--expect-nodes", String(COMPOSE_NODES.length)] : [];
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [BIN, "doctor", url, ...args], { timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, out: stdout + stderr }),
      ),
    );
    expect(r.code, r.out).toBe(0);
    // Board routing keeps one board on one node: the doctor warns that strokes never cross nodes.
    if (routing === "cookie") expect(r.out).toMatch(/Diagnosis: all is well\./);
    else expect(r.out).toMatch(/WARN {2}stroke .*\n[\s\S]*Diagnosis: healthy, with \d+ warning\(s\)/);
  });

  step(
    routing === "cookie" ? "two Chromium users served by different containers see each other's strokes" : "two Chromium users on one board share its container and see each other's strokes",
    async () => {
      browser ??= await launchBrowser();
      const b = browser;
      const board = newId();
      const open = async (): Promise<Page> => {
        const page = await (await b.newContext({ viewport: { width: 900, height: 650 } })).newPage();
        await page.goto(`${url}/b/${board}`);
        await waitFor(async () => (await hook(page, "status")) === "connected", { timeoutMs: 30_000, what: "page connected" });
        return page;
      };
      const pages = [await open()];
      const nodes = new Set([await hook(pages[0], "node")]);
      if (routing === "cookie") {
        // The balancer pins each new browser with its cookie, round robin: open until a second container serves one.
        while (nodes.size < 2 && pages.length < COMPOSE_NODES.length) {
          pages.push(await open());
          nodes.add(await hook(pages.at(-1)!, "node"));
        }
        expect(nodes.size).toBe(2);
        const cookies = await pages[0].context().cookies(url);
        expect(cookies.find((c) => c.name === AFFINITY_COOKIE)?.value).toBe(await hook(pages[0], "node"));
      } else {
        pages.push(await open());
        nodes.add(await hook(pages[1], "node"));
        expect(nodes.size).toBe(1);
      }
      const [a, other] = [pages[0], pages.at(-1)!];
      await drawStroke(a, [
        [250, 250],
        [400, 280],
        [550, 320],
      ]);
      await waitFor(async () => (await hook(other, "itemCount")) === 1, { timeoutMs: 20_000, what: "a's stroke on the other page" });
      await drawStroke(other, [
        [250, 450],
        [500, 470],
      ]);
      await waitFor(async () => (await hook(a, "itemCount")) === 2, { timeoutMs: 20_000, what: "the other page's stroke on a" });
      await Promise.all(pages.map((p) => p.context().close()));
    },
  );

  step("docker kill of the container serving a drawer loses no acknowledged stroke", async () => {
    const board = newId();
    const ds = Array.from({ length: 4 }, (_, i) => drawer(url, board, `drawer${i}`));
    await waitFor(() => ds.every((d) => d.connected), { timeoutMs: 30_000, what: "drawers connected" });
    for (const d of ds) d.start();
    await drawMore(ds, 30);
    const victim = ds[0].node!;
    const moved = ds.filter((d) => d.node === victim);
    const killedAt = Date.now();
    await project.container("kill", victim);
    await waitFor(() => moved.every((d) => d.connected && d.node !== victim), { timeoutMs: 30_000, what: `drawers off ${victim}` });
    const reconnectMs = moved.map((d) => d.welcomes.find((w) => w.at > killedAt)!.at - killedAt);
    await drawMore(ds, 30);
    expect((await project.state(victim)).running).toBe(false);
    const result = await expectNothingLost(redisUrl, board, ds);
    measured(`${routing} docker-kill`, { victim, moved: moved.length, reconnectMs, ...result });
    await project.container("start", victim);
    await allNodesServing();
  });

  step("docker stop drains a node's clients to the others, and it exits 0", async () => {
    const board = newId();
    const ds = Array.from({ length: 4 }, (_, i) => drawer(url, board, `drawer${i}`));
    await waitFor(() => ds.every((d) => d.connected), { timeoutMs: 30_000, what: "drawers connected" });
    for (const d of ds) d.start();
    await drawMore(ds, 20);
    const victim = ds[0].node!;
    const onIt = ds.filter((d) => d.node === victim);
    await project.container("stop", victim);
    const state = await project.state(victim);
    expect(state.running).toBe(false);
    expect(state.exitCode).toBe(0);
    // Told to go (the `drain` message), and went to the other containers.
    for (const d of onIt) expect(d.drains).toContain(victim);
    await waitFor(() => onIt.every((d) => d.connected && d.node !== victim), { timeoutMs: 30_000, what: `drawers off ${victim}` });
    await drawMore(ds, 20);
    const result = await expectNothingLost(redisUrl, board, ds);
    measured(`${routing} docker-stop`, { victim, drained: onIt.length, ...result });
    await project.container("start", victim);
    await allNodesServing();
  });

  step("restarting the Redis container, or killing it, loses nothing acknowledged (AOF)", async () => {
    const aof = await project.exec("redis", "redis-cli", "config", "get", "appendonly");
    expect(aof.stdout.split("\n").map((l) => l.trim())).toEqual(["appendonly", "yes", ""]);
    const board = newId();
    const ds = Array.from({ length: 3 }, (_, i) => drawer(url, board, `drawer${i}`));
    await waitFor(() => ds.every((d) => d.connected), { timeoutMs: 30_000, what: "drawers connected" });
    for (const d of ds) d.start();
    await drawMore(ds, 30);
    for (const verb of ["restart", "kill"] as const) {
      const before = (await project.state("redis")).startedAt;
      await project.container(verb, "redis");
      if (verb === "kill") await project.container("start", "redis");
      expect((await project.state("redis")).startedAt).not.toBe(before);
      await drawMore(ds, 30, 60_000);
    }
    const result = await expectNothingLost(redisUrl, board, ds);
    measured(`${routing} redis-restart-and-kill`, result);
  });
});

describe("docker-compose.yml as Compose reads it", () => {
  it.each(COMPOSE_ROUTINGS)("parses with %s routing, publishing only on 127.0.0.1", async (routing) => {
    const project = await ComposeProject.create(`${PROJECT_PREFIX}config`, ["docker-compose.yml"], { ROUTING: routing, MESHBOARD_PORT: "3000" });
    const config = parse(await project.check("config")) as { services: Record<string, { ports?: unknown[]; volumes?: unknown[] }> };
    expect(JSON.stringify(config.services.haproxy.volumes)).toContain(`haproxy-${routing}.cfg`);
    // Compose 1.29 prints "127.0.0.1:3000:3000/tcp", v2 {host_ip, published, target}: loopback either way.
    const ports = Object.values(config.services).flatMap((s) => s.ports ?? []);
    expect(ports).toHaveLength(1);
    const [port] = ports;
    if (typeof port === "string") expect(port).toMatch(/^127\.0\.0\.1:3000:3000(\/tcp)?$/);
    else expect(port).toEqual(expect.objectContaining({ host_ip: "127.0.0.1", target: 3000 }));
  });
});

/** `npm run cluster`'s runner: prints where everything is, and Ctrl-C stops everything it started. */
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NODE_HEADER } from "../../src/shared/constants.js";
import { freePort } from "../helpers/free-port.js";
import { waitFor } from "../helpers/wait.js";
import { isAlive } from "../../scripts/lib/pid.js";

const root = path.resolve(import.meta.dirname, "../..");

describe("npm run cluster", () => {
  it("starts redis, 3 nodes and HAProxy, prints their URLs, and stops them all on Ctrl-C", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/cluster.ts", "--routing", "board", "--port", String(port)], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitFor(() => out.includes("Ctrl-C"), { timeoutMs: 60_000, what: `cluster up:\n${out}` });
      expect(out).toContain(`http://127.0.0.1:${port}`);
      const nodeUrls = [...out.matchAll(/node(\d)\s+(http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[2]);
      expect(nodeUrls).toHaveLength(3);
      const front = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(front.headers.get(NODE_HEADER)).toMatch(/^node[123]$/);
      // Everything it started, by pid: the nodes and redis-server are its children, HAProxy too.
      const pids = execFileSync("pgrep", ["-P", String(child.pid)]).toString().trim().split("\n").map(Number);
      expect(pids.length).toBeGreaterThanOrEqual(5);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      await waitFor(() => pids.every((p) => !isAlive(p)), { what: "every process it started gone" });
      for (const url of nodeUrls) expect(await fetch(`${url}/healthz`).then(() => "up", () => "down")).toBe("down");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

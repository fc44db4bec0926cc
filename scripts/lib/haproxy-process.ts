/** A real HAProxy in front of the nodes, on a free loopback port, stopped by pid. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { killOnExit } from "./cleanup.js";
import { freePort } from "./free-port.js";
import { renderHaproxyConfig, type HaproxyBackend, type Routing } from "./haproxy-config.js";
import { waitFor } from "./wait.js";

export interface HaproxyProcess {
  url: string;
  port: number;
  pid: number;
  configPath: string;
  stop(): Promise<void>;
}

export async function startHaproxy(opts: { routing: Routing; servers: HaproxyBackend[]; port?: number; host?: string }): Promise<HaproxyProcess> {
  const port = opts.port ?? (await freePort());
  const host = opts.host ?? "127.0.0.1";
  const dir = mkdtempSync(path.join(tmpdir(), "meshboard-haproxy-"));
  const configPath = path.join(dir, "haproxy.cfg");
  writeFileSync(configPath, renderHaproxyConfig({ routing: opts.routing, bind: `${host}:${port}`, servers: opts.servers, checkIntervalMs: 300 }));
  const child = spawn("haproxy", ["-db", "-f", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  killOnExit(child);
  const url = `http://${host}:${port}`;
  // Ready once the front answers and at least one backend is up.
  const up = waitFor(async () => (await fetch(`${url}/healthz`).catch(() => null))?.status === 200, {
    timeoutMs: 15_000,
    what: `haproxy on ${port}`,
  });
  const died = exited.then(() => {
    throw new Error(`haproxy exited: ${err}`);
  });
  await Promise.race([up, died]).catch((e) => {
    child.kill("SIGKILL");
    throw e;
  });
  return {
    url,
    port,
    pid: child.pid!,
    configPath,
    stop: async () => {
      if (!gone) child.kill("SIGTERM");
      await exited;
    },
  };
}

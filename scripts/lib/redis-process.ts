/** A real redis-server on a free loopback port, stopped by pid. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { killOnExit } from "./cleanup.js";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait.js";

export interface RedisProcess {
  url: string;
  port: number;
  pid: number;
  dir: string;
  /** Graceful shutdown (SHUTDOWN via SIGTERM). */
  stop(): Promise<void>;
  /** SIGKILL: what a crash looks like. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
}

export interface RedisOptions {
  port?: number;
  /** Append-only file persistence (default on, fsync every second). */
  appendonly?: boolean;
  appendfsync?: "always" | "everysec" | "no";
  extraArgs?: string[];
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisProcess> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), "meshboard-redis-"));
  let child: ChildProcess;
  let exited: Promise<void>;

  const launch = async () => {
    child = spawn(
      "redis-server",
      [
        "--port", String(port),
        "--bind", "127.0.0.1",
        "--dir", dir,
        "--save", "",
        "--appendonly", opts.appendonly === false ? "no" : "yes",
        "--appendfsync", opts.appendfsync ?? "everysec",
        "--protected-mode", "no",
        "--daemonize", "no",
        // Kept beside the data (each start appends): what Redis said about a fault.
        "--logfile", path.join(dir, "redis.log"),
        ...(opts.extraArgs ?? []),
      ],
      { stdio: "ignore" },
    );
    killOnExit(child);
    exited = new Promise((resolve) => child.once("exit", () => resolve()));
    await waitFor(() => ping(port), { timeoutMs: 10_000, what: `redis on ${port}` });
  };
  await launch();

  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid!;
    },
    dir,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
    restart: async () => {
      await signal("SIGTERM");
      await launch();
    },
  };
}

/** True when a Redis server answers PING on the port. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.setTimeout(1000);
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => {
      s.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    s.once("error", () => resolve(false));
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts a real meshboard node (`node dist/server/main.js`) on loopback and
 * stops it by pid. Build first (`npm test` does, in pretest).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { killOnExit } from "./cleanup.js";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVER_ENTRY = path.join(root, "dist/server/main.js");

export interface ServerProcess {
  url: string;
  port: number;
  nodeId: string;
  dataDir: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process printed (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM (graceful drain) and wait for exit. */
  stop(): Promise<number | string>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<number | string>;
}

export interface StartOptions {
  env?: Record<string, string>;
  port?: number;
  dataDir?: string;
  nodeId?: string;
  /** Wait for /readyz to answer 200 (default true). */
  waitReady?: boolean;
  /** Script to run instead of the meshboard server (e.g. the benchmark's baseline). */
  entry?: string;
  /** Path polled for readiness (default /readyz). */
  readyPath?: string;
}


export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "meshboard-test-"));
  const nodeId = opts.nodeId ?? `node-${port}`;
  const child = spawn(process.execPath, [opts.entry ?? SERVER_ENTRY], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      NODE_ID: nodeId,
      LOG_LEVEL: "info",
      ...(process.env.STATIC_DIR ? { STATIC_DIR: process.env.STATIC_DIR } : {}),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      resolve(code ?? signal ?? "unknown");
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    port,
    nodeId,
    dataDir,
    pid: child.pid!,
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return exited;
    },
  };
  killOnExit(child);
  if (opts.waitReady ?? true) {
    const ready = waitFor(
      async () => {
        const r = await fetch(`${url}${opts.readyPath ?? "/readyz"}`).catch(() => null);
        return r?.status === 200;
      },
      { timeoutMs: 20_000, what: `node ${nodeId} ready`, intervalMs: 50 },
    );
    const died = exited.then((code) => {
      throw new Error(`node ${nodeId} exited (${code}) during start`);
    });
    await Promise.race([ready, died]).catch(async (err) => {
      await server.kill();
      throw new Error(`${(err as Error).message}\n--- server output ---\n${out}`);
    });
  }
  return server;
}

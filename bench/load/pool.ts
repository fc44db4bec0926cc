/** The orchestrator's side of the load generator: forks worker processes, hands out clients, gathers statistics. */
import { fork, type ChildProcess } from "node:child_process";
import { Histogram } from "../lib/histogram.js";
import type { ClientSpec, ParentMessage, WindowStats, WorkerMessage, WorkerPlan } from "./messages.js";

export interface PoolStats {
  points: number;
  frames: number;
  sentPoints: number;
  sentFrames: number;
  latency: Histogram;
  generatorCpuS: number;
  disconnects: number;
  commitsAcked: number;
  commitsFailed: number;
}

export interface ConnectResult {
  ok: number;
  /** Refused, timed out, or never started (connect budget spent). */
  failed: number;
  errors: string[];
  ms: number;
}

class WorkerHandle {
  private waiters: Array<{ type: WorkerMessage["type"]; resolve: (m: WorkerMessage) => void }> = [];
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcess) {
    child.on("message", (m: WorkerMessage) => {
      if (m.type === "fatal") {
        for (const w of this.waiters.splice(0)) w.resolve(m);
        return;
      }
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }
  request<T extends WorkerMessage["type"]>(msg: ParentMessage, reply: T, timeoutMs: number): Promise<Extract<WorkerMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${this.child.pid}: no ${reply} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        type: reply,
        resolve: (m) => {
          clearTimeout(timer);
          if (m.type === "fatal") reject(new Error(`worker ${this.child.pid}: ${m.error}`));
          else resolve(m as Extract<WorkerMessage, { type: T }>);
        },
      });
      this.child.send(msg);
    });
  }
  post(msg: ParentMessage): void {
    if (this.child.connected) this.child.send(msg);
  }
}

export class LoadPool {
  private constructor(private readonly workers: WorkerHandle[]) {}

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid!).filter(Boolean);
  }

  /**
   * Forks `count` workers and connects the clients, dealt round-robin so every
   * worker carries a similar mix of drawers and watchers.
   */
  static async start(
    workerScript: string,
    count: number,
    base: Omit<WorkerPlan, "clients">,
    clients: ClientSpec[],
  ): Promise<{ pool: LoadPool; connect: ConnectResult }> {
    const n = Math.max(1, Math.min(count, clients.length));
    const shares: ClientSpec[][] = Array.from({ length: n }, () => []);
    const drawers = clients.filter((c) => c.draws);
    const watchers = clients.filter((c) => !c.draws);
    [...drawers, ...watchers].forEach((c, i) => shares[i % n].push(c));
    const workers = shares.map(
      () => new WorkerHandle(fork(workerScript, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] })),
    );
    const pool = new LoadPool(workers);
    try {
      const results = await Promise.all(
        workers.map((w, i) =>
          w.request({ type: "plan", plan: { ...base, clients: shares[i] } }, "connected", base.connectBudgetMs + base.connectTimeoutMs + 10_000),
        ),
      );
      return {
        pool,
        connect: {
          ok: results.reduce((s, r) => s + r.ok, 0),
          failed: results.reduce((s, r) => s + r.failed + r.skipped, 0),
          errors: results.flatMap((r) => r.errors).slice(0, 5),
          ms: Math.max(...results.map((r) => r.ms)),
        },
      };
    } catch (err) {
      await pool.close();
      throw err;
    }
  }

  draw(on: boolean): void {
    for (const w of this.workers) w.post({ type: "draw", on });
  }

  /** Statistics since the previous mark, merged over workers. */
  async mark(): Promise<PoolStats> {
    const all = await Promise.all(this.workers.map((w) => w.request({ type: "mark" }, "stats", 15_000)));
    const latency = new Histogram();
    const sum = (k: keyof Omit<WindowStats, "latency">) => all.reduce((s, m) => s + m.stats[k], 0);
    for (const m of all) latency.merge(m.stats.latency);
    return {
      points: sum("points"),
      frames: sum("frames"),
      sentPoints: sum("sentPoints"),
      sentFrames: sum("sentFrames"),
      generatorCpuS: sum("cpuS"),
      disconnects: sum("disconnects"),
      commitsAcked: sum("commitsAcked"),
      commitsFailed: sum("commitsFailed"),
      latency,
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.child.exitCode !== null || w.child.signalCode !== null) return;
        await w.request({ type: "close" }, "closed", 5_000).catch(() => undefined);
        const killer = setTimeout(() => w.child.kill("SIGKILL"), 3_000);
        await w.exited;
        clearTimeout(killer);
      }),
    );
  }
}

/**
 * A load-generator process: connects its share of clients, drives the drawers
 * at the pointer rate, and records for every point received how long ago it
 * was sampled. Started by load/pool.ts with child_process.fork.
 */
import { Histogram } from "../lib/histogram.js";
import { monoMs } from "../lib/clock.js";
import { createClient, type LoadClient } from "./clients.js";
import type { ParentMessage, WindowStats, WorkerMessage, WorkerPlan } from "./messages.js";

const send = (m: WorkerMessage) => process.send?.(m);

const latency = new Histogram();
const counters = { points: 0, frames: 0, sentPoints: 0, sentFrames: 0, disconnects: 0, commitsAcked: 0, commitsFailed: 0 };
let cpuMark = process.cpuUsage();
let clients: LoadClient[] = [];
let drawers: Drawer[] = [];
let closing = false;

const receiver = {
  frame() {
    counters.frames++;
  },
  points(count: number, t: number, stepMs: number) {
    counters.points += count;
    if (!Number.isFinite(t)) return;
    const now = monoMs();
    for (let i = 0; i < count; i++) latency.record(now - (t + i * stepMs));
  },
  disconnected() {
    if (!closing) counters.disconnects++;
  },
};

/** A drawer's hand: a smooth closed curve, sampled at the pointer rate, drafts sent per batch of samples. */
class Drawer {
  private timer: NodeJS.Timeout | null = null;
  private k = 0;
  private start = 0;
  private pending: Array<{ x: number; y: number; t: number }> = [];
  private inStroke = 0;
  private readonly period: number;
  private readonly a = 1 + Math.floor(Math.random() * 3);
  private readonly b = 2 + Math.floor(Math.random() * 3);
  private readonly cx = 200 + Math.random() * 800;
  private readonly cy = 150 + Math.random() * 400;

  constructor(
    private readonly client: LoadClient,
    private readonly plan: WorkerPlan,
  ) {
    this.period = 1000 / plan.pointerHz;
  }

  begin(): void {
    // Drawers are not synchronised: each starts at a random phase of the period.
    this.start = monoMs() + Math.random() * this.period;
    this.k = 0;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const due = this.start + this.k * this.period;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - monoMs()));
  }

  private tick(): void {
    const now = monoMs();
    // Far behind (the generator was starved): skip ahead rather than burst.
    const behind = Math.floor((now - this.start) / this.period) - this.k;
    if (behind > 3) this.k += behind;
    const phase = (this.k * this.period) / 1000;
    this.pending.push({
      // Board coordinates quantised like the client's (0.01 px).
      x: Math.round((this.cx + 180 * Math.sin(this.a * phase)) * 100) / 100,
      y: Math.round((this.cy + 120 * Math.sin(this.b * phase + 0.5)) * 100) / 100,
      t: now,
    });
    this.k++;
    if (this.pending.length >= this.plan.samplesPerDraft) {
      this.client.send(this.pending);
      counters.sentFrames++;
      counters.sentPoints += this.pending.length;
      this.inStroke += this.pending.length;
      this.pending = [];
      if (this.inStroke >= this.plan.strokePoints) {
        this.client.endStroke();
        this.inStroke = 0;
      }
    }
    this.schedule();
  }
}

async function connectAll(plan: WorkerPlan): Promise<void> {
  const started = Date.now();
  const errors: string[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const made: Array<{ client: LoadClient; draws: boolean }> = [];
  const deadline = started + plan.connectBudgetMs;
  async function lane(): Promise<void> {
    while (next < plan.clients.length && !closing && Date.now() < deadline) {
      const spec = plan.clients[next++];
      const client = createClient(spec, plan, receiver, counters);
      made.push({ client, draws: spec.draws });
      try {
        await client.ready;
        ok++;
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push(String((err as Error).message ?? err));
        client.close();
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, plan.connectConcurrency) }, lane));
  clients = made.map((m) => m.client);
  drawers = made.filter((m) => m.draws).map((m) => new Drawer(m.client, plan));
  const skipped = plan.clients.length - made.length;
  if (skipped && errors.length < 5) errors.push(`${skipped} not started within the ${plan.connectBudgetMs} ms connect budget`);
  send({ type: "connected", ok, failed, skipped, errors, ms: Date.now() - started });
}

function mark(): WindowStats {
  const cpu = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  const stats: WindowStats = { ...counters, latency: latency.toData(), cpuS: (cpu.user + cpu.system) / 1e6 };
  latency.reset();
  for (const k of Object.keys(counters) as Array<keyof typeof counters>) counters[k] = 0;
  return stats;
}

process.on("message", (m: ParentMessage) => {
  switch (m.type) {
    case "plan":
      connectAll(m.plan).catch((err) => send({ type: "fatal", error: String((err as Error | undefined)?.stack ?? err) }));
      break;
    case "draw":
      for (const d of drawers) {
        if (m.on) d.begin();
        else d.stop();
      }
      break;
    case "mark":
      send({ type: "stats", stats: mark() });
      break;
    case "close":
      closing = true;
      for (const d of drawers) d.stop();
      for (const c of clients) c.close();
      send({ type: "closed" });
      setTimeout(() => process.exit(0), 200);
      break;
  }
});

// The orchestrator died: do not linger.
process.on("disconnect", () => process.exit(0));

/**
 * The levers of issue 6, one step at a time, on the classroom scenario: each
 * step names the system (the lab is meshboard's draft path with switchable
 * fan-out, bench/levers/server.ts) and what differs from the step before.
 */
import type { Routing } from "../../scripts/local-cluster.js";
import type { LoadKnobs } from "../measure.js";
import type { SystemName } from "../systems.js";

export interface LeverStep {
  label: string;
  system: SystemName;
  routing?: Routing;
  knobs?: Partial<LoadKnobs>;
  env?: Record<string, string>;
}

/** A prototype build of meshboard for the lever steps that need one (see BENCHMARKS.md). */
const PROTOTYPE = process.env.BENCH_PROTOTYPE_ENTRY;

const lab = (label: string, env: Record<string, string>, routing: Routing, knobs: Partial<LoadKnobs> = {}): LeverStep => ({
  label,
  system: "lab",
  routing,
  env,
  knobs: { commitStrokes: false, ...knobs },
});

export const LEVER_STEPS: LeverStep[] = [
  { label: "seed design (baseline)", system: "baseline" },
  lab("meshboard drafts, classic adapter, cookie affinity", { LAB_ADAPTER: "classic" }, "cookie"),
  lab("+ sharded pub/sub, dynamic subscriptions", { LAB_ADAPTER: "sharded" }, "cookie"),
  lab("+ board affinity", { LAB_ADAPTER: "sharded" }, "board"),
  lab("  serialise per recipient instead", { LAB_ADAPTER: "sharded", LAB_EMIT: "per-socket" }, "board"),
  lab("  per-message deflate on", { LAB_ADAPTER: "sharded", LAB_DEFLATE: "1" }, "board"),
  lab("  batching 33 ms, a timer per board", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_FLUSH_TIMER: "per-board" }, "board"),
  lab("+ batching 16 ms", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "16" }, "board"),
  lab("+ batching 33 ms, one merged draft per sender", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_DELIVERY: "per-draft" }, "board"),
  lab("+ batching 33 ms", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33" }, "board"),
  lab("  batching 50 ms", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "50" }, "board"),
  lab("  batching 33 ms without board affinity", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33" }, "cookie"),
  lab("  msgpack parser (33 ms)", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_PARSER: "msgpack" }, "board", { parser: "msgpack" }),
  lab("  client sends 2 samples per draft (33 ms)", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33" }, "board", { samplesPerDraft: 2 }),
  lab("  hand-written draft check instead of zod (33 ms)", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_VALIDATE: "fast" }, "board"),
  lab("  flushes skip Redis when no other node listens (33 ms)", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_LOCAL: "1" }, "board"),
  lab("  all three: msgpack, hand check, local flush (33 ms)", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_PARSER: "msgpack", LAB_VALIDATE: "fast", LAB_LOCAL: "1" }, "board", { parser: "msgpack" }),
  { label: "meshboard as shipped", system: "meshboard" },
  ...(PROTOTYPE ? [{ label: "meshboard prototype", system: "meshboard" as const, knobs: { entry: PROTOTYPE } }] : []),
  { label: "floor (raw ws, one process)", system: "floor" },
];

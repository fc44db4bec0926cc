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

/** A prototype build of meshboard (bench/levers/build-prototype.sh) for the steps not shipped yet. */
const PROTOTYPE = process.env.BENCH_PROTOTYPE_ENTRY;

const proto = (label: string, env: Record<string, string>, knobs: Partial<LoadKnobs> = {}): LeverStep => ({
  label,
  system: "meshboard",
  env,
  knobs: { entry: PROTOTYPE, ...knobs },
});

/** meshboard with the levers that need changes outside the server (clients listening to `drafts`, a 30 Hz draft rate) or in the cluster backend. */
const PROTOTYPE_STEPS: LeverStep[] = PROTOTYPE
  ? [
      proto("prototype: one `drafts` message per board per flush", { PROTO_DELIVERY: "batch" }),
      proto("prototype: + Redis skipped for boards no other node hosts", { PROTO_DELIVERY: "batch", PROTO_LOCAL: "1" }),
      proto("prototype: + hand-written draft check", { PROTO_DELIVERY: "batch", PROTO_LOCAL: "1", PROTO_FASTCHECK: "1" }),
      proto("prototype: + client sends every other frame (30 Hz)", { PROTO_DELIVERY: "batch", PROTO_LOCAL: "1", PROTO_FASTCHECK: "1" }, { samplesPerDraft: 2 }),
      proto("prototype: all of it, 33 ms flush", { PROTO_DELIVERY: "batch", PROTO_LOCAL: "1", PROTO_FASTCHECK: "1", PROTO_FLUSH_MS: "33" }, { samplesPerDraft: 2 }),
      proto("prototype: all of it, 50 ms flush", { PROTO_DELIVERY: "batch", PROTO_LOCAL: "1", PROTO_FASTCHECK: "1", PROTO_FLUSH_MS: "50" }, { samplesPerDraft: 2 }),
    ]
  : [];

const lab = (label: string, env: Record<string, string>, routing: Routing, knobs: Partial<LoadKnobs> = {}): LeverStep => ({
  label,
  system: "lab",
  routing,
  env,
  knobs: { commitStrokes: false, ...knobs },
});

export const LEVER_STEPS: LeverStep[] = [
  { label: "seed design (baseline)", system: "baseline" },
  lab("lab: meshboard drafts, classic adapter, cookie affinity", { LAB_ADAPTER: "classic" }, "cookie"),
  lab("lab: + sharded pub/sub, dynamic subscriptions", { LAB_ADAPTER: "sharded" }, "cookie"),
  lab("lab: + board affinity", { LAB_ADAPTER: "sharded" }, "board"),
  lab("lab:   serialise per recipient instead", { LAB_ADAPTER: "sharded", LAB_EMIT: "per-socket" }, "board"),
  lab("lab:   per-message deflate on", { LAB_ADAPTER: "sharded", LAB_DEFLATE: "1" }, "board"),
  lab("lab: + batching 16 ms", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "16" }, "board"),
  lab("lab: + batching 33 ms", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33" }, "board"),
  lab("lab:   batching 50 ms", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "50" }, "board"),
  lab("lab:   33 ms, a timer per board", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_FLUSH_TIMER: "per-board" }, "board"),
  lab("lab:   33 ms, one merged draft per sender", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_DELIVERY: "per-draft" }, "board"),
  lab("lab:   33 ms without board affinity", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33" }, "cookie"),
  lab("lab:   msgpack parser (33 ms)", { LAB_ADAPTER: "sharded", LAB_FLUSH_MS: "33", LAB_PARSER: "msgpack" }, "board", { parser: "msgpack" }),
  { label: "meshboard as shipped", system: "meshboard" },
  ...PROTOTYPE_STEPS,
  { label: "floor (raw ws, one process)", system: "floor" },
];

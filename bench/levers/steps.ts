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

const mesh = (label: string, env: Record<string, string> = {}, knobs: Partial<LoadKnobs> = {}, routing?: Routing): LeverStep => ({
  label,
  system: "meshboard",
  env,
  knobs,
  routing,
});

/** meshboard itself around its shipped settings: the ink clock (its tick following the node's ink work), clients that ignore it, no board affinity. */
const SHIPPED_STEPS: LeverStep[] = [
  mesh("meshboard as shipped (tick follows ink work: 5 ms below 4,000 deliveries/s, 33 ms from 8,000)"),
  mesh("meshboard:   clients ignore the ink clock (a draft per frame)", {}, { inkClock: false }),
  mesh("meshboard:   busy sooner (2,000 / 4,000 deliveries/s)", { INK_QUIET_DELIVERIES: "2000", INK_BUSY_DELIVERIES: "4000" }),
  mesh("meshboard:   busy later (8,000 / 16,000 deliveries/s)", { INK_QUIET_DELIVERIES: "8000", INK_BUSY_DELIVERIES: "16000" }),
  mesh("meshboard:   fixed ink clock 33 ms, lag 12 ms", { INK_TICK_MS: "33", INK_FLUSH_LAG_MS: "12" }),
  mesh("meshboard:   fixed ink clock 50 ms, lag 12 ms", { INK_TICK_MS: "50", INK_FLUSH_LAG_MS: "12" }),
  mesh("meshboard:   cookie affinity instead of board affinity", {}, {}, "cookie"),
];

/**
 * What the cheapest relay gets in meshboard's own topology (3 processes behind
 * HAProxy, board affinity, no store): relaying each message at once, and
 * gathering a board's ink for meshboard's busy tick (its clients sending a
 * tick's samples together).
 */
const FLOOR_TOPOLOGY_STEPS: LeverStep[] = [
  { label: "floor in meshboard's topology (3 raw ws relays + HAProxy), relaying at once", system: "floor-cluster", routing: "board", env: { FLOOR_FLUSH_MS: "0" } },
  { label: "floor in meshboard's topology, a board's ink written every 33 ms", system: "floor-cluster", routing: "board", env: { FLOOR_FLUSH_MS: "33" } },
];

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
  ...SHIPPED_STEPS,
  { label: "floor (raw ws, one process)", system: "floor" },
  ...FLOOR_TOPOLOGY_STEPS,
];

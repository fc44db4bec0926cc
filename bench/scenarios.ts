/** The benchmark's scenarios and how big they are in each mode. */
import type { Routing } from "../scripts/local-cluster.js";

export type Mode = "smoke" | "quick" | "full";

export interface LoadScenario {
  kind: "load";
  name: string;
  boards: number;
  membersPerBoard: number;
  drawersPerBoard: number;
  pointerHz: number;
  /** Balancer routing per clustered system. */
  routing: Record<"baseline" | "meshboard", Routing>;
}

export interface ConnectionsScenario {
  kind: "connections";
  name: "connections";
  sockets: number;
  /** Idle sockets are spread over boards of this many members. */
  membersPerBoard: number;
}

export type Scenario = LoadScenario | ConnectionsScenario;

export interface Timing {
  /** Pause for sockets to settle before and after connecting (heap readings). */
  settleS: number;
  warmupS: number;
  windowS: number;
  /** Clients not connected after this long are given up (reported as failed). */
  connectBudgetS: number;
  /** Load-generator worker processes. */
  workers: number;
  connectConcurrency: number;
}

export const TIMING: Record<Mode, Timing> = {
  smoke: { settleS: 0.3, warmupS: 0.5, windowS: 1.5, connectBudgetS: 10, workers: 2, connectConcurrency: 8 },
  quick: { settleS: 1, warmupS: 4, windowS: 6, connectBudgetS: 20, workers: 2, connectConcurrency: 16 },
  full: { settleS: 2, warmupS: 5, windowS: 20, connectBudgetS: 60, workers: 2, connectConcurrency: 16 },
};

/**
 * classroom: the seed's design gets its own routing (cookie affinity, as the
 * seed's DestinationRule); meshboard is measured as deployed with board
 * affinity (the istio-board-affinity overlay). stadium: one board whose
 * watchers are spread over the nodes by definition, so cookie routing for both.
 */
export function classroom(mode: Mode, boards?: number): LoadScenario {
  return {
    kind: "load",
    name: "classroom",
    boards: boards ?? (mode === "smoke" ? 3 : 30),
    membersPerBoard: mode === "smoke" ? 5 : 10,
    drawersPerBoard: 2,
    pointerHz: 60,
    routing: { baseline: "cookie", meshboard: "board" },
  };
}

/**
 * light: classroom's shape at a sixth of its size (5 boards x 10 people, 2
 * drawing at 60 Hz), where the servers are mostly idle: what a person waits
 * when nothing else competes (issue 14: low latency when idle).
 */
export function light(mode: Mode): LoadScenario {
  return { ...classroom(mode, mode === "smoke" ? 2 : 5), name: "light" };
}

export function stadium(mode: Mode): LoadScenario {
  return {
    kind: "load",
    name: "stadium",
    boards: 1,
    membersPerBoard: mode === "smoke" ? 31 : 1001,
    drawersPerBoard: 1,
    pointerHz: 60,
    routing: { baseline: "cookie", meshboard: "cookie" },
  };
}

export function connections(mode: Mode): ConnectionsScenario {
  return { kind: "connections", name: "connections", sockets: mode === "smoke" ? 100 : mode === "quick" ? 5_000 : 10_000, membersPerBoard: 10 };
}

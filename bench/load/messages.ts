/** Messages between the bench orchestrator and its load-generator worker processes. */
import type { HistogramData } from "../lib/histogram.js";

/** How a load client speaks to the system under test. */
export type Protocol = "meshboard" | "seed" | "floor";

export interface ClientSpec {
  /** Where to connect (balancer front, or a node directly). */
  url: string;
  board: string;
  /** Draws (and watches the others); otherwise only watches. */
  draws: boolean;
}

export interface WorkerPlan {
  protocol: Protocol;
  clients: ClientSpec[];
  /** Pointer samples per second per drawer. */
  pointerHz: number;
  /** meshboard: pointer samples per draft (1 = one draft per animation frame at a 60 Hz pointer). */
  samplesPerDraft: number;
  /** meshboard: drafts wait for the server's ink clock, as the browser's do (false: sent per animation frame). */
  inkClock: boolean;
  /** Points per stroke; at the end a meshboard drawer commits the stroke as an `add` op. */
  strokePoints: number;
  commitStrokes: boolean;
  /** meshboard: Socket.IO parser the server speaks. */
  parser: "default" | "msgpack";
  connectConcurrency: number;
  /** One client's handshake may take this long. */
  connectTimeoutMs: number;
  /** No new client starts connecting after this long; the rest count as not connected. */
  connectBudgetMs: number;
}

export type ParentMessage =
  | { type: "plan"; plan: WorkerPlan }
  | { type: "draw"; on: boolean }
  /** Report what happened since the previous mark, then start counting afresh. */
  | { type: "mark" }
  | { type: "close" };

export interface WindowStats {
  /** Points received by clients from other clients. */
  points: number;
  /** Messages (Socket.IO events / ws frames) carrying those points. */
  frames: number;
  sentPoints: number;
  sentFrames: number;
  latency: HistogramData;
  /** CPU seconds of this worker process over the window. */
  cpuS: number;
  disconnects: number;
  commitsAcked: number;
  commitsFailed: number;
}

export type WorkerMessage =
  | { type: "connected"; ok: number; failed: number; skipped: number; errors: string[]; ms: number }
  | { type: "stats"; stats: WindowStats }
  | { type: "closed" }
  | { type: "fatal"; error: string };

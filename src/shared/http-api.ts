/**
 * A node's HTTP contracts beside the Socket.IO protocol (protocol.ts): each
 * route, what it answers and the headers that are part of the contract. The
 * server's route handlers are typed with these; the client, the doctor and the
 * tests read the same definitions. Free of the schema library (the browser
 * imports it). docs/protocol.md ("HTTP") explains them.
 */
import { BOARD_PATH_PREFIX } from "./constants.js";
import type { ErrorCode } from "./protocol-constants.js";

export { BOARD_LINKS_ROUTE, BOARD_PATH_PREFIX, HEALTH_PATH, READY_PATH, TOKEN_QUERY_PARAM, boardLinksPath } from "./constants.js";

/** Route parameters of every `/b/<id>…` and `/api/boards/<id>/…` route. */
export interface BoardParams {
  id: string;
}

/** Query of a board link: `?t=<token>` when access control is on (other parameters are ignored). */
export type BoardQuery = Record<string, string | undefined>;

// ---------------------------------------------------------------------------
// GET /api/boards/<id>/links?t=<token>

/** The share links a token may hand out; addresses relative to the page's origin. */
export interface ShareLinks {
  /** Editor link (absent for viewers). */
  edit?: string;
  /** Read-only link (absent when access control is off: every link edits). */
  view?: string;
}

/** A JSON route's refusal: 400 `invalid_board`, 403 `forbidden`. */
export interface ApiError {
  error: Extract<ErrorCode, "invalid_board" | "forbidden">;
}

// ---------------------------------------------------------------------------
// GET /b/<id>.svg?t=<token>

export const BOARD_SVG_SUFFIX = ".svg";
export const BOARD_SVG_ROUTE = `${BOARD_PATH_PREFIX}:id${BOARD_SVG_SUFFIX}`;
export const SVG_CONTENT_TYPE = "image/svg+xml; charset=utf-8";

/**
 * An SVG opened as a document could run script: this one never has any, and the
 * policy makes sure (no script, no loads, inline presentation only, sandboxed).
 */
export const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export function boardSvgPath(boardId: string): string {
  return `${BOARD_PATH_PREFIX}${encodeURIComponent(boardId)}${BOARD_SVG_SUFFIX}`;
}

/** The picture's ETag: the board's head names its content (unchanged head, unchanged picture: 304). */
export function boardSvgEtag(head: number): string {
  return `"seq-${head}"`;
}

// ---------------------------------------------------------------------------
// GET /healthz, GET /readyz

/** `/healthz`: the process answers (always 200). */
export interface Health {
  status: "ok";
  node: string;
}

/** `/readyz`: 200 when the node takes new sessions, else 503 with why. */
export interface Readiness {
  status: "ready" | "not_ready";
  phase: "starting" | "ready" | "draining";
  /** Dependencies that are down (e.g. "redis"). */
  failing: string[];
  /** What works only in part while the node stays ready (e.g. "store-writes": the store refuses writes). */
  degraded: string[];
  node: string;
}

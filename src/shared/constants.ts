/**
 * Facts shared by the server, the client, the tests, the benchmark and the
 * manifest checks. Each is defined here once; everything else imports it.
 */

/** Handshake query parameter that carries the board id (balancers may hash on it). */
export const BOARD_QUERY_PARAM = "board";

/**
 * Cookie name the load balancer owns for session affinity (Istio's DestinationRule
 * in the seed hashes on it). meshboard must never set a cookie with this name.
 */
export const AFFINITY_COOKIE = "io";

/**
 * Cookie carrying the browser's server-issued identity (`<id>.<signature>`,
 * HttpOnly): presence and op authorship use the id it vouches for.
 */
export const IDENTITY_COOKIE = "mb_id";

/** Response header naming the node that served a request. */
export const NODE_HEADER = "x-meshboard-node";

/** Socket.IO endpoint path. */
export const SOCKET_PATH = "/socket.io/";

export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
export const METRICS_PATH = "/metrics";

export const DEFAULT_PORT = 3000;

/** Path prefix of a board page: `/b/<id>`. */
export const BOARD_PATH_PREFIX = "/b/";

/** Query parameter of a board link that carries its access token: `/b/<id>?t=<token>`. */
export const TOKEN_QUERY_PARAM = "t";

/** `GET /api/boards/<id>/links?t=<token>`: the share links that token may hand out. */
export const BOARD_LINKS_ROUTE = "/api/boards/:id/links";

export function boardLinksPath(boardId: string): string {
  return BOARD_LINKS_ROUTE.replace(":id", encodeURIComponent(boardId));
}

/** Board ids accepted anywhere (URL, handshake). */
export const BOARD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Length of a generated board id (base64url characters; 96 bits of randomness). */
export const NEW_BOARD_ID_LENGTH = 16;

/**
 * How long a node keeps serving after SIGTERM while clients move away, in seconds.
 * The pod's terminationGracePeriodSeconds and the sidecar's drain must cover it.
 */
export const DRAIN_SECONDS = 10;

export function isValidBoardId(id: unknown): id is string {
  return typeof id === "string" && BOARD_ID_PATTERN.test(id);
}

/**
 * The protocol's plain values (version, limits, error codes), free of the schema
 * library so the browser bundle can import them without it. protocol.ts
 * re-exports everything here.
 */

/**
 * 2: the ink clock (`welcome.ink`, `clock`) and batched `drafts`.
 * 3: compacted boards: `welcome.snapshot`, `snapshot` pages, `sync` answering `snapshot`.
 * 4: selection editing (issue 13): `transform`/`reshape` ops (resize), text wrap width `w`, the `order` op
 *    (bring to front / send to back) and `z` on snapshot items.
 */
export const PROTOCOL_VERSION = 4;

/** Limits enforced by the server and respected by the client. */
export const LIMITS = {
  /** Items (strokes, shapes, texts) ever added to one board. */
  maxItemsPerBoard: 20_000,
  /** Points in one stroke. */
  maxPointsPerStroke: 4_000,
  /** Points in one draft batch. */
  maxDraftPoints: 400,
  /** Board coordinates must lie within ±maxCoordinate. */
  maxCoordinate: 1_000_000,
  /** Largest Socket.IO packet accepted, in bytes (Socket.IO's maxHttpBufferSize). */
  maxPayloadBytes: 256 * 1024,
  /** Item ids one remove/restore operation may name. */
  maxTargetsPerOp: 5_000,
  /** Operations per catch-up page (`ops` of the catch-up, or one `sync` answer). */
  catchUpPageSize: 1_000,
  /**
   * Serialised size (JSON characters) of one catch-up page, past which the page
   * ends: a page holds at least one op, however large, and otherwise never more
   * than this. A node lowers it to fit its slow-client limits (never raises it).
   */
  catchUpPageBytes: 1024 * 1024,
  maxNameLength: 32,
  /** Characters in one text item. */
  maxTextLength: 2_000,
  minWidth: 1,
  maxWidth: 64,
  /** Font size of a text item, in board pixels. */
  minFontSize: 8,
  maxFontSize: 256,
  // --- Resizing (issue 13)
  /** A `transform` scales by a factor between 1/maxScale and maxScale (per axis). */
  maxScale: 10_000,
  /** Narrowest wrap width of a text (`w`), in board pixels. */
  minTextWidth: 8,
  // --- end of resizing
} as const;

/**
 * Connection liveness (Engine.IO's heartbeat, set on the server, read by clients
 * from the handshake). A client hears a ping every `pingIntervalMs` and gives up on
 * a node that sent none for `pingIntervalMs + pingTimeoutMs` (8 s): the client of a
 * frozen (SIGSTOPped, swapping, partitioned) node reconnects, and the balancer, whose
 * health checks failed meanwhile, sends it to another node: within 15 s in all, with
 * room for a reconnect attempt or two on a loaded machine (docs/reliability.md).
 * Socket.IO's defaults (25 s + 20 s) held such clients ~40 s. The server drops a
 * client that has not answered a ping within `pingTimeoutMs`.
 */
export const HEARTBEAT = { pingIntervalMs: 3_000, pingTimeoutMs: 5_000 } as const;

/**
 * How long a client waits for an op's acknowledgement before it counts the op as
 * unanswered (and may resend it: ops are idempotent). Equal to the heartbeat's
 * give-up time: by then a client of a frozen node has reconnected elsewhere and
 * resent its outbox, so an ack timeout is a last resort, not the failover path.
 */
export const OP_ACK_TIMEOUT_MS = HEARTBEAT.pingIntervalMs + HEARTBEAT.pingTimeoutMs;

/** Shapes a `shape` item can be (its two points are the line's ends or the box's corners). */
export const SHAPE_KINDS = ["line", "arrow", "rect", "ellipse"] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** Colours are #rrggbb. */
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** How a rectangle or an ellipse is filled, in its own colour (lines and arrows ignore it); absent: none. */
export const FILLS = ["none", "solid", "translucent"] as const;
export type Fill = (typeof FILLS)[number];

/** Control characters other than tab and newline have no place in a text (and are not valid XML). */
// eslint-disable-next-line no-control-regex
export const TEXT_CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F\uFFFE\uFFFF]/;

/**
 * Reasons the server gives when it refuses something; clients switch on these.
 * `board_full`: the board reached its item or byte budget (permanent until it is
 * cleared or erased: tell the user). `storage_full`: the store itself is out of
 * memory (transient: keep the op in the outbox and retry with backoff).
 */
export const ERROR_CODES = [
  "invalid_payload",
  "unknown_event",
  "board_full",
  "too_large",
  "out_of_range",
  "rate_limited",
  "read_only",
  "storage_unavailable",
  "storage_full",
  "protocol_mismatch",
  "invalid_board",
  "forbidden",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Refusals worth retrying later: the payload is fine, the server was busy or without storage. */
export const TRANSIENT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["rate_limited", "storage_unavailable", "storage_full"]);

/** Reasons a handshake is refused (the `connect_error` message). */
export const HANDSHAKE_ERRORS = {
  invalidBoard: "invalid_board",
  invalidAuth: "invalid_payload",
  protocolMismatch: "protocol_mismatch",
  forbidden: "forbidden",
} as const satisfies Record<string, ErrorCode>;


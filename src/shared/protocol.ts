/**
 * The meshboard wire protocol: every Socket.IO event, its payload type and its
 * schema. This file is the single source of truth for both sides; docs/protocol.md
 * explains it in prose.
 *
 * Model: a board is an append-only log of durable operations (`BoardOp`). The
 * server that accepts an operation gives it the board's next sequence number
 * (`seq`, 1, 2, 3, …) and acknowledges it. Clients apply operations strictly in
 * seq order, so every client converges on the same board. Operation ids are
 * client-generated and idempotent: resending an operation never duplicates it.
 * In-progress ink (`draft`), cursors and presence are ephemeral and never stored.
 */
import { z } from "zod";
import { BOARD_ID_PATTERN } from "./constants.js";
import type { InkClock } from "./ink-clock.js";
import { LIMITS, PROTOCOL_VERSION, SHAPE_KINDS, type ErrorCode } from "./protocol-constants.js";

export type { InkClock } from "./ink-clock.js";

export {
  PROTOCOL_VERSION,
  LIMITS,
  ERROR_CODES,
  TRANSIENT_ERRORS,
  HANDSHAKE_ERRORS,
  HEARTBEAT,
  OP_ACK_TIMEOUT_MS,
  SHAPE_KINDS,
  type ErrorCode,
  type ShapeKind,
} from "./protocol-constants.js";

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** The event that caused it, when there was one. */
  event?: string;
}

// ---------------------------------------------------------------------------
// Building blocks

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "ids are 8-64 characters of [A-Za-z0-9_-]");
const coordinate = z.number().min(-LIMITS.maxCoordinate).max(LIMITS.maxCoordinate);
export const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, "colours are #rrggbb");
const widthSchema = z.number().min(LIMITS.minWidth).max(LIMITS.maxWidth);

/** Flat point list `[x0, y0, x1, y1, …]` in board coordinates (CSS pixels at zoom 1). */
function pointList(maxPoints: number, minPoints: number) {
  return z
    .array(coordinate)
    .min(minPoints * 2)
    .max(maxPoints * 2)
    .refine((a) => a.length % 2 === 0, "points come in x,y pairs");
}

export const boardIdSchema = z.string().regex(BOARD_ID_PATTERN);

// ---------------------------------------------------------------------------
// Board items (what a board is made of)

export const strokeSchema = z.object({
  kind: z.literal("stroke"),
  id: idSchema,
  color: colorSchema,
  width: widthSchema,
  points: pointList(LIMITS.maxPointsPerStroke, 1),
});
export type Stroke = z.infer<typeof strokeSchema>;

/** A straight line, an arrow (pointing at x2,y2), a rectangle or an ellipse (in the box x1,y1–x2,y2). */
export const shapeSchema = z.object({
  kind: z.literal("shape"),
  id: idSchema,
  shape: z.enum(SHAPE_KINDS),
  color: colorSchema,
  width: widthSchema,
  x1: coordinate,
  y1: coordinate,
  x2: coordinate,
  y2: coordinate,
});
export type Shape = z.infer<typeof shapeSchema>;

/** Control characters other than tab and newline have no place in a text (and are not valid XML). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F\uFFFE\uFFFF]/;
export const textContentSchema = z
  .string()
  .min(1, "a text is not empty")
  .max(LIMITS.maxTextLength, `a text holds at most ${LIMITS.maxTextLength} characters`)
  .refine((t) => !CONTROL_CHARACTERS.test(t), "a text has no control characters other than tab and newline");

/** Plain text, drawn (never parsed as markup) with its first line's top-left at x,y; lines split on "\n". */
export const textSchema = z.object({
  kind: z.literal("text"),
  id: idSchema,
  color: colorSchema,
  /** Font size in board pixels. */
  size: z.number().min(LIMITS.minFontSize).max(LIMITS.maxFontSize),
  x: coordinate,
  y: coordinate,
  text: textContentSchema,
});
export type Text = z.infer<typeof textSchema>;

export const itemSchema = z.discriminatedUnion("kind", [strokeSchema, shapeSchema, textSchema]);
export type Item = z.infer<typeof itemSchema>;

// ---------------------------------------------------------------------------
// Durable operations (client → server, then sequenced to every client)

export const addOpSchema = z.object({ type: z.literal("add"), opId: idSchema, item: itemSchema });
export const removeOpSchema = z.object({
  type: z.literal("remove"),
  opId: idSchema,
  itemIds: z.array(idSchema).min(1).max(LIMITS.maxTargetsPerOp),
});
export const restoreOpSchema = z.object({
  type: z.literal("restore"),
  opId: idSchema,
  itemIds: z.array(idSchema).min(1).max(LIMITS.maxTargetsPerOp),
});
export const clearOpSchema = z.object({ type: z.literal("clear"), opId: idSchema });
/** Translates items by (dx, dy); the inverse is the move by (-dx, -dy). */
const offset = z.number().min(-2 * LIMITS.maxCoordinate).max(2 * LIMITS.maxCoordinate);
export const moveOpSchema = z.object({
  type: z.literal("move"),
  opId: idSchema,
  itemIds: z.array(idSchema).min(1).max(LIMITS.maxTargetsPerOp),
  dx: offset,
  dy: offset,
});
/** Replaces a text item's text; the inverse is the edit back to the previous text. */
export const editOpSchema = z.object({ type: z.literal("edit"), opId: idSchema, itemId: idSchema, text: textContentSchema });

export const boardOpSchema = z.discriminatedUnion("type", [
  addOpSchema,
  removeOpSchema,
  restoreOpSchema,
  clearOpSchema,
  moveOpSchema,
  editOpSchema,
]);
export type BoardOp = z.infer<typeof boardOpSchema>;
export type OpType = BoardOp["type"];

/** An operation as the board log holds it: stamped by the server. */
export interface SequencedOp {
  seq: number;
  op: BoardOp;
  /** clientId of the author. */
  author: string;
  /** Server time of acceptance, ms since the epoch. */
  at: number;
}

export type OpAck = { ok: true; seq: number; duplicate: boolean } | { ok: false; error: ProtocolError };

// ---------------------------------------------------------------------------
// Handshake

/** Sent as Socket.IO `auth`; the board id travels in the query (`?board=<id>`). */
export const handshakeAuthSchema = z.object({
  protocol: z.number().int(),
  /** Stable per browser, so undo and authorship survive reconnects. */
  clientId: idSchema,
  /** Highest seq the client has applied; the server sends what follows. */
  lastSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  /**
   * opId of the op the client holds at lastSeq. If the board's op at that seq has
   * another id (the board was reset, or its store rolled back and reused seqs),
   * the client's history is not the board's and it is sent everything again.
   */
  lastOpId: idSchema.optional(),
  name: z.string().max(LIMITS.maxNameLength).default(""),
  /** Signed access token (when access control is on). */
  token: z.string().max(512).optional(),
});
export type HandshakeAuth = z.input<typeof handshakeAuthSchema>;

export interface Welcome {
  protocol: number;
  boardId: string;
  /** Node (pod) serving this session. */
  node: string;
  sessionId: string;
  /** Highest seq on the board when the session started; catch-up ops follow. */
  head: number;
  /**
   * Catch-up starts after this seq: the client's lastSeq, or 0 when the server does
   * not recognise the client's history (see lastOpId). A client whose head is above
   * `from` drops its board and applies everything from `from` again.
   */
  from: number;
  /** True for a view-only link, and while the store refuses writes (then `readOnlyReason` says so). */
  readOnly: boolean;
  /**
   * Set when the board is read-only for now, not by the link: the store refuses
   * writes (full). A plain sentence for a banner. Ops already in the outbox stay
   * there (they are refused as `storage_unavailable`, which is transient); once the
   * store takes writes again the node closes the connection and the client
   * reconnects to a writable session.
   */
  readOnlyReason?: string;
  limits: typeof LIMITS;
  /** The ink clock: send live ink on its ticks (see `clock` for the server's time). */
  ink: InkClock;
  /**
   * Who the server says this client is: the identity it vouches for (a signed
   * HttpOnly cookie), which presence and op authorship use, whatever `clientId`
   * the handshake claimed. Optional until every server sends it: without it a
   * client is the clientId it sent.
   */
  self?: { clientId: string };
}

// ---------------------------------------------------------------------------
// Ephemeral events

/** A batch of in-progress points of an item being drawn (sent about once per frame). */
export const draftSchema = z.object({
  itemId: idSchema,
  color: colorSchema,
  width: widthSchema,
  /** Index (in points) of the first point of this batch within the item. */
  from: z.number().int().min(0).max(LIMITS.maxPointsPerStroke),
  points: pointList(LIMITS.maxDraftPoints, 0),
  /** Time the first point of the batch was sampled (sender's clock, ms); used by latency probes. */
  t: z.number().optional(),
});
export type Draft = z.infer<typeof draftSchema>;
export interface PeerDraft extends Draft {
  sessionId: string;
}

export const cursorSchema = z.object({ x: coordinate, y: coordinate }).nullable();
export type Cursor = z.infer<typeof cursorSchema>;
export interface PeerCursor {
  sessionId: string;
  cursor: Cursor;
}

export const profileSchema = z.object({ name: z.string().max(LIMITS.maxNameLength) });

/** Asks for the server's clock (answered at once), to place the ink clock's ticks. */
export const clockRequestSchema = z.object({});
export interface ClockReading {
  /** The server's time, ms since the epoch. */
  now: number;
  /** The node's ink clock now: its period follows the node's load (absent from servers before it did). */
  ink?: InkClock;
}

/** Someone on the board: one session (one socket), on whichever node serves it. */
export const peerSchema = z.object({
  sessionId: idSchema,
  clientId: idSchema,
  name: z.string().max(LIMITS.maxNameLength),
  color: colorSchema,
  /** Node (pod) serving the session. */
  node: z.string(),
  readOnly: z.boolean(),
});
export type Peer = z.infer<typeof peerSchema>;

/**
 * What changed on a board's peer list since the last delta, coalesced per node
 * over a short window (see docs/protocol.md, "Presence"). Idempotent: `joined` is
 * an upsert by sessionId (a rename is a `joined` of the same session), `left` of
 * an unknown session is a no-op. A session appears in at most one of the lists.
 */
export const presenceDeltaSchema = z.object({
  joined: z.array(peerSchema),
  /** sessionIds. */
  left: z.array(idSchema),
});
export type PresenceDelta = z.infer<typeof presenceDeltaSchema>;

export const syncRequestSchema = z.object({ since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
export interface SyncResult {
  ops: SequencedOp[];
  head: number;
  /** True when more ops follow `ops` (ask again with the last seq). */
  more: boolean;
}

// ---------------------------------------------------------------------------
// Typed event maps (Socket.IO generics)

export interface ServerToClientEvents {
  welcome: (w: Welcome) => void;
  /** Sequenced operations, live or catch-up, in ascending seq order within one message. */
  ops: (batch: SequencedOp[]) => void;
  /** One draft alone (a flush that held only one). */
  draft: (d: PeerDraft) => void;
  /** A board's drafts of one ink-clock tick, in arrival order (the receiver's own left out). */
  drafts: (batch: PeerDraft[]) => void;
  /** A board's cursor moves of one ink-clock tick: each mover's latest position (null: left the canvas). */
  cursors: (batch: PeerCursor[]) => void;
  /**
   * The board's whole peer list (every node), sent once to a joining session only,
   * before its `welcome`. Later changes come as `presenceDelta`.
   */
  presence: (peers: Peer[]) => void;
  /** Joins, renames and leaves since the last delta, to the whole board (coalesced per node, ~200 ms). */
  presenceDelta: (delta: PresenceDelta) => void;
  /** The node is shutting down: reconnect (the client's socket reconnects to another node). */
  drain: (info: { node: string }) => void;
  error: (e: ProtocolError) => void;
}

export interface ClientToServerEvents {
  op: (op: BoardOp, ack: (a: OpAck) => void) => void;
  sync: (req: { since: number }, ack: (r: SyncResult | { error: ProtocolError }) => void) => void;
  draft: (d: Draft) => void;
  cursor: (c: Cursor) => void;
  profile: (p: { name: string }) => void;
  clock: (req: Record<string, never>, ack: (r: ClockReading) => void) => void;
}

/** Events a client may send, with their schemas: anything else is `unknown_event`. */
export const clientEventSchemas = {
  op: boardOpSchema,
  sync: syncRequestSchema,
  draft: draftSchema,
  cursor: cursorSchema,
  profile: profileSchema,
  clock: clockRequestSchema,
} as const;
export type ClientEventName = keyof typeof clientEventSchemas;

/** Human-readable summary of a zod failure, for error events. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "payload"}: ${i.message}`)
    .join("; ");
}

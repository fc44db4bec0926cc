/**
 * The meshboard wire protocol: every Socket.IO event and its payload's schema,
 * both directions, acknowledgements included. Payload types and the Socket.IO
 * event maps are inferred from the schemas, never written beside them. This
 * file is the single source of truth for both sides; docs/protocol.md explains
 * it in prose.
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
import { COLOR_PATTERN, ERROR_CODES, FILLS, LIMITS, SHAPE_KINDS, TEXT_CONTROL_CHARACTERS } from "./protocol-constants.js";
import { buildPreviewSchema } from "./preview.js";

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
  FILLS,
  type ErrorCode,
  type ShapeKind,
  type Fill,
} from "./protocol-constants.js";

export const protocolErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The event that caused it, when there was one. */
  event: z.string().optional(),
});
export type ProtocolError = z.infer<typeof protocolErrorSchema>;

/** How an event with an acknowledgement is refused (the payload, the rate limit, the board's state). */
export const refusalSchema = z.strictObject({ ok: z.literal(false), error: protocolErrorSchema });
export type Refusal = z.infer<typeof refusalSchema>;

// ---------------------------------------------------------------------------
// Building blocks

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "ids are 8-64 characters of [A-Za-z0-9_-]");
const coordinate = z.number().min(-LIMITS.maxCoordinate).max(LIMITS.maxCoordinate);
export const colorSchema = z.string().regex(COLOR_PATTERN, "colours are #rrggbb");
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

export const fillSchema = z.enum(FILLS);

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
  fill: fillSchema.optional(),
});
export type Shape = z.infer<typeof shapeSchema>;

export const textContentSchema = z
  .string()
  .min(1, "a text is not empty")
  .max(LIMITS.maxTextLength, `a text holds at most ${LIMITS.maxTextLength} characters`)
  .refine((t) => !TEXT_CONTROL_CHARACTERS.test(t), "a text has no control characters other than tab and newline");

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
  /** Wrap width in board pixels (issue 13): lines wrap at words to fit it; absent: lines break only at "\n". */
  w: z.number().min(LIMITS.minTextWidth).max(LIMITS.maxCoordinate).optional(),
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

// --- Restyling (issue 13): one op changes the style of many items, so a selection restyles as one undo step.
/** An item's new style: only the fields given change, and only where the kind has them. */
export const styleChangeSchema = z.object({ itemId: idSchema, color: colorSchema.optional(), width: widthSchema.optional(), fill: fillSchema.optional() });
export type StyleChange = z.infer<typeof styleChangeSchema>;
/** Restyles items (colour: any kind; width: strokes and shapes; fill: rectangles and ellipses); the inverse is the style op with the old values. */
export const styleOpSchema = z.object({
  type: z.literal("style"),
  opId: idSchema,
  changes: z.array(styleChangeSchema).min(1).max(LIMITS.maxTargetsPerOp),
});
// --- end of restyling

// --- Resizing (issue 13): a selection is resized by one `transform`; its exact undo, when scaling back would not restore it, is a `reshape`.
const scaleFactor = z.number().min(1 / LIMITS.maxScale).max(LIMITS.maxScale);
/**
 * Scales items about (ox, oy) by (sx, sy): stroke points, shape corners and text
 * anchors move, results rounded to hundredths; a uniform scale also scales a
 * text's font size (and wrap width), a non-uniform one sets its wrap width.
 * All or none: if any item would leave the limits, nothing changes
 * (src/shared/item-transform.ts).
 */
export const transformOpSchema = z.object({
  type: z.literal("transform"),
  opId: idSchema,
  itemIds: z.array(idSchema).min(1).max(LIMITS.maxTargetsPerOp),
  sx: scaleFactor,
  sy: scaleFactor,
  ox: coordinate,
  oy: coordinate,
});
/** An item's geometry exactly (without style): what a `reshape` puts back. */
export const geometrySchema = z.union([
  z.strictObject({ itemId: idSchema, points: pointList(LIMITS.maxPointsPerStroke, 1) }),
  z.strictObject({ itemId: idSchema, x1: coordinate, y1: coordinate, x2: coordinate, y2: coordinate }),
  z.strictObject({ itemId: idSchema, x: coordinate, y: coordinate, size: textSchema.shape.size, w: textSchema.shape.w }),
]);
export type Geometry = z.infer<typeof geometrySchema>;
/** Sets items' geometry (an entry applies only to the kind it describes): the exact undo of a transform. */
export const reshapeOpSchema = z.object({
  type: z.literal("reshape"),
  opId: idSchema,
  items: z.array(geometrySchema).min(1).max(LIMITS.maxTargetsPerOp),
});
// --- end of resizing
// --- Paint order (issue 13): bring to front / send to back.
/**
 * An item's place in the paint order. Items paint by z, lowest first; an item
 * without z has z = the seq of its `add` (creation order), and ties paint in
 * creation order. Integers, so +1 and -1 always make room.
 */
export const zSchema = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** An item's new z; null: back to its creation order (z absent), as an inverse restores it. */
export const orderChangeSchema = z.object({ itemId: idSchema, z: zSchema.nullable() });
export type OrderChange = z.infer<typeof orderChangeSchema>;
/** Sets items' z; the inverse is the order op with the old values (null where there was none). */
export const orderOpSchema = z.object({
  type: z.literal("order"),
  opId: idSchema,
  changes: z.array(orderChangeSchema).min(1).max(LIMITS.maxTargetsPerOp),
});
// --- end of paint order

export const boardOpSchema = z.discriminatedUnion("type", [
  addOpSchema,
  removeOpSchema,
  restoreOpSchema,
  clearOpSchema,
  moveOpSchema,
  editOpSchema,
  styleOpSchema,
  transformOpSchema,
  reshapeOpSchema,
  orderOpSchema,
]);
export type BoardOp = z.infer<typeof boardOpSchema>;
export type OpType = BoardOp["type"];

const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** An operation as the board log holds it: stamped by the server. */
export const sequencedOpSchema = z.strictObject({
  seq: seqSchema.min(1),
  op: boardOpSchema,
  /** clientId of the author. */
  author: z.string(),
  /** Server time of acceptance, ms since the epoch. */
  at: z.number(),
});
export type SequencedOp = z.infer<typeof sequencedOpSchema>;

export const opAckSchema = z.union([z.strictObject({ ok: z.literal(true), seq: seqSchema.min(1), duplicate: z.boolean() }), refusalSchema]);
export type OpAck = z.infer<typeof opAckSchema>;

/** One item of a board snapshot: the item as the board holds it, hidden or not. */
export const snapshotItemSchema = z.strictObject({
  item: itemSchema,
  /** clientId of the author of its `add`. */
  author: z.string(),
  /** seq of the `add` that created it. */
  seq: seqSchema,
  visible: z.boolean(),
  /** Its place in the paint order, when an `order` op gave it one. */
  z: zSchema.optional(),
});
export type SnapshotItem = z.infer<typeof snapshotItemSchema>;

/**
 * A compacted board's history folded into its items (see docs/protocol.md,
 * "Compaction"). Sent in pages: a client collects the pages of one `seq` until
 * `last`, then replaces its board with them (head = `seq`, its op = `opId`) and
 * applies the ops after `seq`.
 */
export const snapshotPageSchema = z.strictObject({
  seq: seqSchema,
  /** opId of the op at `seq` (a reconnecting client proves its history with it). */
  opId: z.string(),
  items: z.array(snapshotItemSchema),
  last: z.boolean(),
});
export type SnapshotPage = z.infer<typeof snapshotPageSchema>;

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

/** LIMITS as sent in `welcome`: every limit, a number each. */
const limitsSchema = z.strictObject(
  Object.fromEntries(Object.keys(LIMITS).map((k) => [k, z.number()])) as { [K in keyof typeof LIMITS]: z.ZodNumber },
);

const inkClockSchema = z.strictObject({
  /** Milliseconds between ticks; ticks fall on multiples of it on the server's clock. */
  periodMs: z.number().positive(),
}) satisfies z.ZodType<InkClock>;

export const welcomeSchema = z.strictObject({
  protocol: z.number().int(),
  boardId: boardIdSchema,
  /** Node (pod) serving this session. */
  node: z.string(),
  sessionId: idSchema,
  /** Highest seq on the board when the session started; catch-up ops follow. */
  head: seqSchema,
  /**
   * Catch-up starts after this seq: the client's lastSeq, or 0 when the server does
   * not recognise the client's history (see lastOpId). A client whose head is above
   * `from` drops its board and applies everything from `from` again.
   */
  from: seqSchema,
  /** True for a view-only link, and while the store refuses writes (then `readOnlyReason` says so). */
  readOnly: z.boolean(),
  /**
   * Set when the board is read-only for now, not by the link: the store refuses
   * writes (full). A plain sentence for a banner. Ops already in the outbox stay
   * there (they are refused as `storage_full`, which is transient); once the
   * store takes writes again the node closes the connection and the client
   * reconnects to a writable session.
   */
  readOnlyReason: z.string().max(500).optional(),
  /**
   * When above `from`: the ops up to this seq are folded into a snapshot, and the
   * catch-up starts with its `snapshot` pages (then ops after it); 0 (or absent): ops only.
   */
  snapshot: seqSchema.optional(),
  limits: limitsSchema,
  /** The ink clock: send live ink on its ticks (see `clock` for the server's time). */
  ink: inkClockSchema,
  /**
   * Who the server says this client is: the identity it vouches for (a signed
   * HttpOnly cookie), which presence and op authorship use, whatever `clientId`
   * the handshake claimed. Optional until every server sends it: without it a
   * client is the clientId it sent.
   */
  self: z.strictObject({ clientId: idSchema }).optional(),
});
export type Welcome = z.infer<typeof welcomeSchema>;

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
/** A draft as relayed: who drew it. */
export const peerDraftSchema = z.strictObject({ ...draftSchema.shape, sessionId: idSchema });
export type PeerDraft = z.infer<typeof peerDraftSchema>;

// --- Live previews (src/shared/preview.ts): shapes, moves, texts, selections in progress.
export { PREVIEW_KINDS, previewSlot, type PreviewKind } from "./preview.js";
export const previewSchema = buildPreviewSchema(shapeSchema, textSchema);
export type Preview = z.infer<typeof previewSchema>;
/** A preview as the node relays it: its author's session added. */
export const peerPreviewSchema = z.intersection(previewSchema, z.object({ sessionId: idSchema }));
export type PeerPreview = Preview & { sessionId: string };
// --- end of live previews

export const cursorSchema = z.object({ x: coordinate, y: coordinate }).nullable();
export type Cursor = z.infer<typeof cursorSchema>;
export const peerCursorSchema = z.strictObject({ sessionId: idSchema, cursor: cursorSchema });
export type PeerCursor = z.infer<typeof peerCursorSchema>;

export const profileSchema = z.object({ name: z.string().max(LIMITS.maxNameLength) });

/** Asks for the server's clock (answered at once), to place the ink clock's ticks. */
export const clockRequestSchema = z.object({});
export const clockReadingSchema = z.strictObject({
  /** The server's time, ms since the epoch. */
  now: z.number(),
  /** The node's ink clock now: its period follows the node's ink work (absent from servers before it did); a change is also pushed as `ink`. */
  ink: inkClockSchema.optional(),
});
export type ClockReading = z.infer<typeof clockReadingSchema>;

/** Someone on the board: one session (one socket), on whichever node serves it. */
export const peerSchema = z.strictObject({
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
export const presenceDeltaSchema = z.strictObject({
  joined: z.array(peerSchema),
  /** sessionIds. */
  left: z.array(idSchema),
});
export type PresenceDelta = z.infer<typeof presenceDeltaSchema>;

export const syncRequestSchema = z.object({ since: seqSchema });
export const syncResultSchema = z.strictObject({
  ops: z.array(sequencedOpSchema),
  head: seqSchema,
  /** True when more ops follow `ops` (ask again with the last seq). */
  more: z.boolean(),
  /**
   * Set (and `ops` empty) when `since` is older than the board's snapshot: the ops
   * up to this seq are folded and can no longer be read one by one. Reconnect:
   * the new session's catch-up sends the snapshot.
   */
  snapshot: seqSchema.optional(),
});
export type SyncResult = z.infer<typeof syncResultSchema>;

/** The node is shutting down: reconnect (the client's socket reconnects to another node). */
export const drainSchema = z.strictObject({ node: z.string() });

// ---------------------------------------------------------------------------
// The events: name → schema, each direction. The Socket.IO event maps below are
// inferred from these tables.

/** Events a client may send, with their schemas: anything else is `unknown_event`. */
export const clientEventSchemas = {
  op: boardOpSchema,
  sync: syncRequestSchema,
  draft: draftSchema,
  preview: previewSchema,
  cursor: cursorSchema,
  profile: profileSchema,
  clock: clockRequestSchema,
} as const;
export type ClientEventName = keyof typeof clientEventSchemas;

/**
 * The answers to client events that take an acknowledgement (the others have
 * none). Any of them may be a refusal (`{ ok: false, error }`).
 */
export const clientAckSchemas = {
  op: opAckSchema,
  sync: z.union([syncResultSchema, refusalSchema]),
  clock: z.union([clockReadingSchema, refusalSchema]),
} as const satisfies Partial<Record<ClientEventName, z.ZodType>>;
export type AckedEventName = keyof typeof clientAckSchemas;
export type ClientAck<E extends AckedEventName> = z.infer<(typeof clientAckSchemas)[E]>;

/** What the server sends, by event. */
export const serverEventSchemas = {
  welcome: welcomeSchema,
  /** A page of the board's snapshot, before catch-up ops (see `Welcome.snapshot`). */
  snapshot: snapshotPageSchema,
  /** Sequenced operations, live or catch-up, in ascending seq order within one message. */
  ops: z.array(sequencedOpSchema),
  /** One draft alone (a flush that held only one). */
  draft: peerDraftSchema,
  /** A board's drafts of one ink-clock tick, in arrival order (the receiver's own left out). */
  drafts: z.array(peerDraftSchema),
  /** A board's cursor moves of one ink-clock tick: each mover's latest position (null: left the canvas). */
  cursors: z.array(peerCursorSchema),
  /** A board's live previews of one ink-clock tick (each author's latest per kind; the sender's own included). */
  previews: z.array(peerPreviewSchema),
  /**
   * The board's whole peer list (every node), sent once to a joining session only,
   * before its `welcome`. Later changes come as `presenceDelta`.
   */
  presence: z.array(peerSchema),
  /** Joins, renames and leaves since the last delta, to the whole board (coalesced per node, ~200 ms). */
  presenceDelta: presenceDeltaSchema,
  drain: drainSchema,
  /** The node's ink clock changed (its period follows its ink work): to every session on the node, at once. */
  ink: inkClockSchema,
  error: protocolErrorSchema,
} as const;
export type ServerEventName = keyof typeof serverEventSchemas;

// ---------------------------------------------------------------------------
// Typed event maps (Socket.IO generics), inferred from the tables above

export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: z.infer<(typeof serverEventSchemas)[E]>) => void;
};

/** A client sends what a schema accepts (its input: defaults may be left out); acked events carry a callback. */
export type ClientToServerEvents = {
  [E in ClientEventName]: E extends AckedEventName
    ? (payload: z.input<(typeof clientEventSchemas)[E]>, ack: (answer: ClientAck<E>) => void) => void
    : (payload: z.input<(typeof clientEventSchemas)[E]>) => void;
};

// ---------------------------------------------------------------------------
// Checking what the server sent (the headless client, in tests and development builds)

/**
 * Why `payload` is not what the protocol says the server sends as `event`, or
 * null when it is. `event` may be any string: an event the protocol does not
 * have is a problem too.
 */
export function checkServerPayload(event: string, payload: unknown): string | null {
  if (!Object.hasOwn(serverEventSchemas, event)) return `unknown server event ${JSON.stringify(event)}`;
  return problemOf(`${event}`, serverEventSchemas[event as ServerEventName].safeParse(payload));
}

/** Why `answer` is not a valid acknowledgement of the client event `event`, or null when it is. */
export function checkServerAck(event: string, answer: unknown): string | null {
  if (!Object.hasOwn(clientAckSchemas, event)) return `${JSON.stringify(event)} has no acknowledgement`;
  return problemOf(`${event} ack`, clientAckSchemas[event as AckedEventName].safeParse(answer));
}

function problemOf(what: string, result: { success: true } | { success: false; error: z.ZodError }): string | null {
  return result.success ? null : `${what}: ${describeIssues(result.error)}`;
}

/** Human-readable summary of a zod failure, for error events. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "payload"}: ${i.message}`)
    .join("; ");
}

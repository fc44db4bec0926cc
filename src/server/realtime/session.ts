/**
 * One connected client on one board: validates every inbound event, hands
 * durable operations to the board service and relays ephemeral ones.
 */
import type { z } from "zod";
import {
  type InkClock,
  LIMITS,
  PROTOCOL_VERSION,
  clientEventSchemas,
  describeIssues,
  type ClientEventName,
  type ErrorCode,
  type Peer,
  type ProtocolError,
  type SequencedOp,
} from "../../shared/protocol.js";
import type { BoardService } from "../board/board-service.js";
import type { Logger } from "../observability/logger.js";
import type { NodeMetrics } from "../observability/metrics.js";
import { peerColor } from "./presence.js";
import type { PresenceFeed } from "./presence-feed.js";
import type { DraftBatcher } from "./draft-batcher.js";
import { CONGESTED_ROOM } from "./slow-clients.js";
import { boardRoom, type MeshServer, type MeshSocket } from "./types.js";

export interface SessionDeps {
  io: MeshServer;
  boards: BoardService;
  /** Presence: registry writes, then coalesced deltas to the board (presence-feed.ts). */
  presence: PresenceFeed;
  nodeId: string;
  log: Logger;
  metrics?: NodeMetrics;
  /** Per-event admission (rate limits), unknown events included; returns an error code to refuse. */
  admit?: (socket: MeshSocket, event: string) => ErrorCode | null;
  /** Resolves when the socket can take more (catch-up pages wait for a slow reader). */
  drained?: (socket: MeshSocket) => Promise<void>;
  /** Live ink leaves through the node's draft batcher (draft-batcher.ts). */
  drafts: DraftBatcher<MeshSocket>;
  /** The node's ink clock, told to clients in `welcome`. */
  ink: InkClock;
}

/** A socket over its rate limit hears about it at most this often (its acks always say so). */
const RATE_NOTICE_INTERVAL_MS = 1_000;

type Ack = (response: unknown) => void;
type Schemas = typeof clientEventSchemas;

export function startSession(socket: MeshSocket, deps: SessionDeps): void {
  const { boards, presence, nodeId } = deps;
  const { boardId, sessionId, clientId } = socket.data;
  const room = boardRoom(boardId);
  const log = deps.log.child({ board: boardId, session: sessionId, socket: socket.id });
  const metrics = deps.metrics;
  if (metrics) socket.onAnyOutgoing(countOutgoing(metrics));

  const peer = (): Peer => ({
    sessionId,
    clientId,
    name: socket.data.name,
    color: peerColor(clientId),
    node: nodeId,
    readOnly: socket.data.readOnly,
  });

  let lastRateNotice = Number.NEGATIVE_INFINITY;
  const fail = (error: ProtocolError, ack?: Ack) => {
    if (error.event === "op") metrics?.opRejected(error.code);
    else metrics?.eventRejected(error.event ?? "unknown", error.code);
    if (ack) return ack({ ok: false, error });
    // A flood must not be answered by a flood of error events.
    if (error.code === "rate_limited") {
      if (performance.now() - lastRateNotice < RATE_NOTICE_INTERVAL_MS) return;
      lastRateNotice = performance.now();
    }
    socket.emit("error", error);
  };

  /** Registers a handler that only ever sees schema-valid payloads. */
  function on<E extends ClientEventName>(event: E, handler: (payload: z.infer<Schemas[E]>, ack?: Ack) => unknown): void {
    socket.on(event as never, ((payload: unknown, maybeAck: unknown) => {
      const ack = typeof maybeAck === "function" ? (maybeAck as Ack) : undefined;
      const refused = deps.admit?.(socket, event);
      if (refused) return fail({ code: refused, message: `too many ${event} events; slow down`, event }, ack);
      const parsed = clientEventSchemas[event].safeParse(payload);
      if (!parsed.success) return fail({ code: "invalid_payload", message: describeIssues(parsed.error), event }, ack);
      Promise.resolve(handler(parsed.data as z.infer<Schemas[E]>, ack)).catch((err) => {
        log.error({ err, event }, "handler failed");
        fail({ code: "internal", message: "the server could not handle this event", event }, ack);
      });
    }) as never);
  }

  socket.onAny((event: unknown) => {
    // Own keys only: "constructor" or "__proto__" are not events.
    if (typeof event !== "string" || !Object.hasOwn(clientEventSchemas, event)) {
      const refused = deps.admit?.(socket, "unknown");
      if (refused) return fail({ code: refused, message: "too many events; slow down" });
      metrics?.eventRejected("unknown", "unknown_event");
      socket.emit("error", { code: "unknown_event", message: `unknown event ${JSON.stringify(String(event)).slice(0, 80)}` });
    }
  });

  on("op", async (op, ack) => {
    if (!ack) return fail({ code: "invalid_payload", message: "op needs an acknowledgement callback", event: "op" });
    const started = performance.now();
    metrics?.opReceived(op.type);
    if (socket.data.readOnly) return fail({ code: "read_only", message: "this link is read-only", event: "op" }, ack);
    const result = await boards.submit(boardId, op, clientId);
    if (!result.ok) metrics?.opRejected(result.error.code);
    metrics?.opAcknowledged(started);
    ack(result);
  });

  on("sync", async ({ since }, ack) => {
    if (!ack) return fail({ code: "invalid_payload", message: "sync needs an acknowledgement callback", event: "sync" });
    ack(await boards.read(boardId, since));
  });

  on("draft", (draft) => {
    if (socket.data.readOnly) return fail({ code: "read_only", message: "this link is read-only", event: "draft" });
    // Ephemeral, batched per board; congested clients go without (draft-batcher.ts).
    deps.drafts.add(boardId, { ...draft, sessionId }, socket);
  });

  on("clock", (_request, ack) => ack?.({ now: Date.now() }));

  on("cursor", (cursor) => {
    socket.to(room).except(CONGESTED_ROOM).volatile.emit("cursor", { sessionId, cursor });
  });

  /**
   * The join's registry write, once started. Renames and the leave are written
   * after it, in that order (a leave written first would leave a ghost behind).
   */
  let joining: Promise<void> | undefined;

  // A rename is a `joined` delta of the same session.
  on("profile", async ({ name }) => {
    socket.data.name = name.trim() || "Guest";
    if (!joining) return; // the join, not written yet, carries the new name
    await joining;
    if (!socket.connected) return;
    await presence.upsert(boardId, peer(), () => socket.connected);
  });

  socket.on("disconnect", (reason) => {
    log.info({ reason }, "session ended");
    socket.to(room).volatile.emit("cursor", { sessionId, cursor: null });
    if (!joining) return; // never joined: nothing to remove, nobody told
    joining
      .catch(() => undefined)
      .then(() => presence.remove(boardId, sessionId))
      .catch((err) => log.warn({ err }, "presence removal failed"));
  });

  void (async () => {
    await socket.join(room);
    if (!socket.connected) return;
    // The join, written before the snapshot is read: the snapshot lists the joiner.
    joining = presence.upsert(boardId, peer(), () => socket.connected);
    await joining;
    if (!socket.connected) return;
    // The whole list to the joiner only; the others hear of it in the next delta.
    socket.emit("presence", await presence.snapshot(boardId));
    const head = await boards.head(boardId);
    const from = await boards.catchUpFrom(boardId, head, socket.data.lastSeq, socket.data.lastOpId);
    socket.emit("welcome", {
      protocol: PROTOCOL_VERSION,
      boardId,
      node: nodeId,
      sessionId,
      head,
      from,
      readOnly: socket.data.readOnly,
      limits: LIMITS,
      ink: deps.ink,
    });
    // Catch-up: everything after what the client already has, page by page.
    let since = from;
    while (since < head && socket.connected) {
      await deps.drained?.(socket);
      const page = await boards.read(boardId, since);
      if (page.ops.length === 0) break;
      socket.emit("ops", page.ops);
      since = page.ops[page.ops.length - 1].seq;
    }
    log.info({ transport: socket.conn.transport.name, lastSeq: socket.data.lastSeq, from, head }, "session started");
  })().catch((err) => {
    log.error({ err }, "session start failed");
    socket.emit("error", { code: "storage_unavailable", message: "the board could not be loaded; reconnecting" });
    // Closing the transport (not disconnect(true)) lets the client reconnect by itself.
    socket.conn.close();
  });
}

/** Counts sequenced ops as they are written to a socket, whichever node sequenced them. */
function countOutgoing(metrics: NodeMetrics): (event: string, payload: unknown) => void {
  return (event, payload) => {
    if (event === "ops") metrics.opsDelivered(payload as SequencedOp[]);
  };
}

/**
 * One connected client on one board: validates every inbound event, hands
 * durable operations to the board service and relays ephemeral ones.
 *
 * Every session of a node shares the same handlers: Socket.IO calls listeners
 * with `this` = the socket, and what a session knows lives in `socket.data`
 * (handshake.ts). A socket costs Socket.IO one `onAny` entry (the dispatcher),
 * one `disconnect` listener and, with metrics, one `onAnyOutgoing` entry; no
 * closure per socket (see BENCHMARKS.md, "Connections: heap per socket").
 */
import type { z } from "zod";
import {
  type InkClock,
  LIMITS,
  PROTOCOL_VERSION,
  clientEventSchemas,
  describeIssues,
  type AckedEventName,
  type ClientAck,
  type ClientEventName,
  type ErrorCode,
  type Peer,
  type ProtocolError,
  type Refusal,
  type SequencedOp,
  type SyncResult,
} from "../../shared/protocol.js";
import { cleanDisplayName } from "../../shared/display-name.js";
import type { BoardService } from "../board/board-service.js";
import { turn } from "../board/work-slices.js";
import { snapshotPages } from "../board/snapshot-pages.js";
import { NEW_BOARD_REFUSAL } from "./guards.js";
import type { Logger } from "../observability/logger.js";
import { ThrottledLog } from "../observability/throttled-log.js";
import type { NodeMetrics } from "../observability/metrics.js";
import { peerColor } from "./presence.js";
import type { PresenceFeed } from "./presence-feed.js";
import type { CursorBatcher } from "./cursor-batcher.js";
import type { DraftBatcher } from "./draft-batcher.js";
import { StoreReadOnlySessions } from "./store-read-only.js";
import { DEFAULT_NAME, boardRoom, type MeshServer, type MeshSocket } from "./types.js";

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
  /** Whether the socket's address may create another board (asked before the first op on an empty board). */
  admitNewBoard?: (socket: MeshSocket) => Promise<boolean>;
  /** Resolves when the socket can take more (catch-up pages wait for a slow reader). */
  drained?: (socket: MeshSocket) => Promise<void>;
  /** Counts an acknowledgement of `bytes` against the socket's buffer limits before it is written; false: the socket was cut off instead. */
  beforeWrite?: (socket: MeshSocket, bytes: number) => boolean;
  /** Takes `tokens` more from the socket's (and its address's) bucket for `event`, after the fact: large answers cost more. */
  charge?: (socket: MeshSocket, event: string, tokens: number) => void;
  /** Live ink leaves through the node's draft batcher (draft-batcher.ts). */
  drafts: DraftBatcher<MeshSocket>;
  /** Cursors leave once per tick too (cursor-batcher.ts). */
  cursors: CursorBatcher;
  /** The node's ink clock now (its period follows the node's ink work), told to clients in `welcome`, `ink` events and clock answers. */
  ink: () => InkClock;
}

/** A socket over its rate limit hears about it at most this often (its acks always say so). */
const RATE_NOTICE_INTERVAL_MS = 1_000;

/** The acknowledgement callback of an event: its answer (protocol.ts, clientAckSchemas), or none. */
type AckOf<E extends ClientEventName> = E extends AckedEventName ? (answer: ClientAck<E>) => void : undefined;
/** Any event's acknowledgement can carry a refusal. */
type Ack = (refusal: Refusal) => void;
type Schemas = typeof clientEventSchemas;
type Handlers = { [E in ClientEventName]: (socket: MeshSocket, payload: z.infer<Schemas[E]>, ack: AckOf<E> | undefined) => unknown };

/**
 * A `sync` answer costs one control token per this many bytes on top of the one
 * its request took (a full page of LIMITS.catchUpPageBytes: 3 tokens): paging
 * through a board of many megabytes costs more than filling a small gap.
 */
export const SYNC_BYTES_PER_TOKEN = 512 * 1024;
/** A sync answer's JSON around its ops (`{"ops":…,"head":…,"more":false}` and the ack's framing), generously. */
const SYNC_FRAMING_BYTES = 64;

/** A join whose registry write has settled (shared: nothing to wait for). */
const JOINED: Promise<void> = Promise.resolve();

/** What every log line about a session carries. */
export function sessionIds(socket: MeshSocket): { board: string; session: string; socket: string } {
  return { board: socket.data.boardId, session: socket.data.sessionId, socket: socket.id };
}

/** Starts sessions on admitted sockets; `close` stops the node-wide timers. */
export type SessionStarter = ((socket: MeshSocket) => void) & { close(): void };

/** Returns what starts a session on an admitted socket; everything it registers is shared by the node's sessions. */
export function createSessions(deps: SessionDeps): SessionStarter {
  const { boards, presence, nodeId, log, metrics } = deps;
  /** When a rate-limited socket last heard about it (only sockets that were limited are here). */
  const lastRateNotice = new WeakMap<MeshSocket, number>();
  /**
   * Sessions that joined an empty board and have not stored an op yet: their first
   * op creates the board. One new-board token per session, asked once however many
   * ops are in flight (the decision is shared until refused).
   */
  const creating = new WeakMap<MeshSocket, Promise<boolean> | null>();
  const mayCreate = (socket: MeshSocket): Promise<boolean> | boolean => {
    if (!deps.admitNewBoard || !creating.has(socket)) return true;
    let decision = creating.get(socket);
    if (!decision) {
      const asked = deps.admitNewBoard(socket);
      decision = asked;
      creating.set(socket, decision);
      void asked.then((ok) => {
        if (!ok && creating.get(socket) === asked) creating.set(socket, null);
      });
    }
    return decision;
  };
  /** Joins whose registry write is in flight (socket.data.presence is "joining"); they never reject. */
  const joins = new Map<MeshSocket, Promise<void>>();
  /** Store failures repeat for every session and op while they last: one line per interval, with a count. */
  const failures = new ThrottledLog(log);
  /** Sessions started read-only because the store refused writes; reconnected once it takes them again. */
  const readOnlyForNow = new StoreReadOnlySessions(boards.writes, (socket) => presence.upsert(socket.data.boardId, peer(socket), live(socket)));

  /** A presence write failed: the session goes on (presence is not worth turning anyone away). */
  const presenceFailed = (socket: MeshSocket, err: unknown): void => {
    boards.writes.failed(err);
    failures.report("presence", { ...sessionIds(socket), err }, "presence write failed; the session goes on");
  };
  /** The last `sync` queued by each socket: a socket's syncs are answered one at a time, in order. */
  const syncs = new WeakMap<MeshSocket, Promise<void>>();

  const peer = (socket: MeshSocket): Peer => ({
    sessionId: socket.data.sessionId,
    clientId: socket.data.clientId,
    name: socket.data.name,
    color: peerColor(socket.data.clientId),
    node: nodeId,
    readOnly: socket.data.readOnly,
  });
  const live = (socket: MeshSocket) => () => socket.connected;

  /**
   * The join's registry write, once started (undefined before). Renames and the
   * leave are written after it, in that order (a leave written first would leave
   * a ghost behind).
   */
  const joining = (socket: MeshSocket): Promise<void> | undefined =>
    socket.data.presence === undefined ? undefined : (joins.get(socket) ?? JOINED);

  const fail = (socket: MeshSocket, error: ProtocolError, ack?: Ack): void => {
    if (error.event === "op") metrics?.opRejected(error.code);
    else metrics?.eventRejected(error.event ?? "unknown", error.code);
    if (ack) return ack({ ok: false, error });
    // A flood must not be answered by a flood of error events.
    if (error.code === "rate_limited") {
      const now = performance.now();
      if (now - (lastRateNotice.get(socket) ?? Number.NEGATIVE_INFINITY) < RATE_NOTICE_INTERVAL_MS) return;
      lastRateNotice.set(socket, now);
    }
    socket.emit("error", error);
  };

  /** Each handler only ever sees schema-valid payloads. */
  const handlers: Handlers = {
    async op(socket, op, ack) {
      if (!ack) return fail(socket, { code: "invalid_payload", message: "op needs an acknowledgement callback", event: "op" });
      const started = performance.now();
      metrics?.opReceived(op.type);
      if (socket.data.readOnly) return fail(socket, { code: "read_only", message: "this link is read-only", event: "op" }, ack);
      if (!(await mayCreate(socket))) return fail(socket, { code: "rate_limited", message: NEW_BOARD_REFUSAL, event: "op" }, ack);
      const result = await boards.submit(socket.data.boardId, op, socket.data.clientId);
      if (!result.ok) metrics?.opRejected(result.error.code);
      else creating.delete(socket);
      metrics?.opAcknowledged(started);
      ack(result);
    },

    sync(socket, { since }, ack) {
      if (!ack) return fail(socket, { code: "invalid_payload", message: "sync needs an acknowledgement callback", event: "sync" });
      // A burst of syncs is answered one after another, each once the socket has
      // drained: a socket never has more than one page in the node's memory.
      const respond = async () => {
        await deps.drained?.(socket);
        if (!socket.connected) return;
        const page = await boards.read(socket.data.boardId, since);
        await deps.drained?.(socket);
        await turn();
        if (!socket.connected) return;
        deps.charge?.(socket, "sync", Math.floor(page.bytes / SYNC_BYTES_PER_TOKEN));
        const answer: SyncResult = { ops: page.ops, head: page.head, more: page.more };
        if (deps.beforeWrite && !deps.beforeWrite(socket, page.bytes + SYNC_FRAMING_BYTES)) return;
        ack(answer);
      };
      const queued = (syncs.get(socket) ?? JOINED).then(respond);
      const settled = queued.catch(() => undefined);
      syncs.set(socket, settled);
      void settled.then(() => {
        if (syncs.get(socket) === settled) syncs.delete(socket);
      });
      return queued;
    },

    draft(socket, draft) {
      if (socket.data.readOnly) return fail(socket, { code: "read_only", message: "this link is read-only", event: "draft" });
      // Ephemeral, batched per board; congested clients go without (draft-batcher.ts).
      deps.drafts.add(socket.data.boardId, { ...draft, sessionId: socket.data.sessionId }, socket);
    },

    preview(socket, preview) {
      if (socket.data.readOnly) return fail(socket, { code: "read_only", message: "this link is read-only", event: "preview" });
      // Volatile like ink, on the same clock (draft-batcher.ts).
      deps.drafts.preview(socket.data.boardId, { ...preview, sessionId: socket.data.sessionId });
    },

    clock(_socket, _request, ack) {
      // The current period too: how a client learns that the node changed its tick.
      ack?.({ now: Date.now(), ink: deps.ink() });
    },

    cursor(socket, cursor) {
      deps.cursors.move(socket.data.boardId, socket.data.sessionId, cursor);
    },

    // A rename is a `joined` delta of the same session.
    async profile(socket, { name }) {
      socket.data.name = cleanDisplayName(name) || DEFAULT_NAME;
      const join = joining(socket);
      if (!join) return; // the join, not written yet, carries the new name
      await join;
      if (!socket.connected) return;
      await presence.upsert(socket.data.boardId, peer(socket), live(socket)).catch((err: unknown) => presenceFailed(socket, err));
    },
  };

  /** Every inbound event of every session (Socket.IO's onAny; `this` is the socket). */
  function dispatch(this: MeshSocket, event: unknown, payload?: unknown, maybeAck?: unknown): void {
    const socket = this;
    // Own keys only: "constructor" or "__proto__" are not events.
    if (typeof event !== "string" || !Object.hasOwn(clientEventSchemas, event)) {
      const refused = deps.admit?.(socket, "unknown");
      if (refused) return fail(socket, { code: refused, message: "too many events; slow down" });
      metrics?.eventRejected("unknown", "unknown_event");
      socket.emit("error", { code: "unknown_event", message: `unknown event ${JSON.stringify(String(event)).slice(0, 80)}` });
      return;
    }
    const name = event as ClientEventName;
    const ack = typeof maybeAck === "function" ? (maybeAck as Ack) : undefined;
    const refused = deps.admit?.(socket, name);
    if (refused) return fail(socket, { code: refused, message: `too many ${name} events; slow down`, event: name }, ack);
    const parsed = clientEventSchemas[name].safeParse(payload);
    if (!parsed.success) return fail(socket, { code: "invalid_payload", message: describeIssues(parsed.error), event: name }, ack);
    try {
      // The schema table and the handler table share their keys: this payload and ack are this handler's.
      const result = handlers[name](socket, parsed.data as never, ack as never);
      if (result instanceof Promise) result.catch((err: unknown) => handlerFailed(socket, name, ack, err));
    } catch (err) {
      handlerFailed(socket, name, ack, err);
    }
  }

  function handlerFailed(socket: MeshSocket, event: ClientEventName, ack: Ack | undefined, err: unknown): void {
    log.error({ ...sessionIds(socket), err, event }, "handler failed");
    fail(socket, { code: "internal", message: "the server could not handle this event", event }, ack);
  }

  function ended(this: MeshSocket, reason: string): void {
    const socket = this;
    const { boardId, sessionId } = socket.data;
    log.info({ ...sessionIds(socket), reason }, "session ended");
    deps.cursors.move(boardId, sessionId, null);
    const join = joining(socket);
    if (!join) return; // never joined: nothing to remove, nobody told
    join
      .catch(() => undefined)
      .then(() => presence.remove(boardId, sessionId))
      .catch((err: unknown) => failures.report("presence-remove", { ...sessionIds(socket), err }, "presence removal failed"));
  }

  /** Counts sequenced ops as they are written to a socket, whichever node sequenced them. */
  const countOutgoing = metrics
    ? (event: string, payload: unknown) => {
        if (event === "ops") metrics.opsDelivered(payload as SequencedOp[]);
      }
    : undefined;

  const startSession = (socket: MeshSocket): void => {
    socket.onAny(dispatch);
    if (countOutgoing) socket.onAnyOutgoing(countOutgoing);
    socket.on("disconnect", ended);
    void start(socket);
  };
  return Object.assign(startSession, {
    close: () => {
      readOnlyForNow.close();
      failures.close();
    },
  });

  async function start(socket: MeshSocket): Promise<void> {
    const { boardId, sessionId } = socket.data;
    const room = boardRoom(boardId);
    try {
      await socket.join(room);
      if (!socket.connected) return;
      // The join, written before the snapshot is read: the snapshot lists the joiner.
      // A store that refuses the write (full) does not stop the session: it goes on
      // read-only, with the reason in `welcome`.
      let refusedJoin: string | undefined;
      const join = presence.upsert(boardId, peer(socket), live(socket)).then(
        () => boards.writes.accepted(),
        (err: unknown) => {
          presenceFailed(socket, err);
          refusedJoin = boards.writes.readOnlyReason();
        },
      );
      socket.data.presence = "joining";
      joins.set(socket, join);
      try {
        await join;
      } finally {
        joins.delete(socket);
        socket.data.presence = "joined";
      }
      if (!socket.connected) return;
      const readOnlyReason = socket.data.readOnly ? undefined : (refusedJoin ?? boards.writes.readOnlyReason());
      // The whole list to the joiner only; the others hear of it in the next delta.
      const peers = await presence.snapshot(boardId).catch((err: unknown) => {
        failures.report("presence-read", { ...sessionIds(socket), err }, "presence read failed; the joiner sees only itself");
        return [];
      });
      socket.emit("presence", peers.some((p) => p.sessionId === sessionId) ? peers : [...peers, peer(socket)]);
      boards.touch(boardId);
      const { head, from, snapshot } = await boards.catchUp(boardId, socket.data.lastSeq, socket.data.lastOpId);
      if (head === 0) creating.set(socket, null);
      if (readOnlyReason) readOnlyForNow.add(socket);
      socket.emit("welcome", {
        protocol: PROTOCOL_VERSION,
        boardId,
        node: nodeId,
        sessionId,
        head,
        from,
        snapshot: snapshot?.seq ?? 0,
        readOnly: socket.data.readOnly || readOnlyReason !== undefined,
        ...(readOnlyReason ? { readOnlyReason } : {}),
        self: { clientId: socket.data.clientId },
        limits: LIMITS,
        ink: deps.ink(),
      });
      // A compacted board starts with its snapshot, in pages.
      let since = from;
      if (snapshot) {
        for (const page of snapshotPages(snapshot)) {
          await deps.drained?.(socket);
          if (!socket.connected) return;
          socket.emit("snapshot", page);
        }
        since = snapshot.seq;
      }
      // Catch-up: everything after what the client already has (or after the snapshot),
      // page by page. Each page is bounded in bytes below the slow-client guard's margin
      // and written only once the socket has drained, so however large the board, the
      // joiner is never cut off for it; between pages the event loop turns.
      while (since < head && socket.connected) {
        await deps.drained?.(socket);
        const page = await boards.read(boardId, since);
        // Compacted under this catch-up: a new session gets the new snapshot.
        if (page.snapshot) return socket.conn.close();
        if (page.ops.length === 0) break;
        await deps.drained?.(socket);
        // Encoding a page is a slice of its own: it waits its turn with the node's other heavy work.
        await turn();
        if (!socket.connected) break;
        socket.emit("ops", page.ops);
        since = page.ops[page.ops.length - 1].seq;
      }
      log.info({ ...sessionIds(socket), transport: socket.conn.transport.name, lastSeq: socket.data.lastSeq, from, head }, "session started");
    } catch (err) {
      failures.report("start", { ...sessionIds(socket), err }, "session start failed");
      socket.emit("error", { code: "storage_unavailable", message: "the board could not be loaded; reconnecting" });
      // Closing the transport (not disconnect(true)) lets the client reconnect by itself.
      socket.conn.close();
    }
  }
}

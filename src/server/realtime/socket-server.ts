/** The Socket.IO server: options, admission and sessions. */
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { BOARD_QUERY_PARAM, SOCKET_PATH, isValidBoardId } from "../../shared/constants.js";
import { ERROR_CODES, HEARTBEAT, LIMITS, type ErrorCode, type PeerDraft } from "../../shared/protocol.js";
import { allowRequest, handshakeMiddleware, type Admission } from "./handshake.js";
import { CursorBatcher } from "./cursor-batcher.js";
import { DraftBatcher, deliverDrafts } from "./draft-batcher.js";
import { InkTempo, type InkTempoSettings } from "./ink-tempo.js";
import { PRESENCE_FLUSH_MS, PresenceCoalescer, PresenceFeed, deliverPresence } from "./presence-feed.js";
import type { PresenceRegistry } from "./presence.js";
import { sessionRelease } from "./io-internals.js";
import { createSessions, type SessionDeps } from "./session.js";
import { CONGESTED_ROOM } from "./slow-clients.js";
import { boardRoom, localBoardMembers, type BoardFanout, type MeshServer, type MeshSocket } from "./types.js";

export interface SocketServerOptions {
  admission: Admission;
  /** Allowed cross-origin origins; empty: same origin only. */
  corsOrigins: string[];
  transports?: ("polling" | "websocket")[];
}

export function createSocketServer(http: HttpServer, options: SocketServerOptions): MeshServer {
  return new Server(http, {
    path: SOCKET_PATH,
    serveClient: false,
    // The load balancer owns the `io` cookie name (Istio's DestinationRule hashes on it).
    cookie: false,
    maxHttpBufferSize: LIMITS.maxPayloadBytes,
    // Frames are small; compressing each one costs more CPU than it saves.
    perMessageDeflate: false,
    // Short enough that the clients of a frozen node give up on it within 8 s (protocol-constants.ts).
    pingInterval: HEARTBEAT.pingIntervalMs,
    pingTimeout: HEARTBEAT.pingTimeoutMs,
    transports: options.transports ?? ["polling", "websocket"],
    cors: options.corsOrigins.length ? { origin: options.corsOrigins, credentials: true } : undefined,
    allowRequest: allowRequest(options.admission),
  });
}

export interface InkRelay extends InkTempoSettings {
  /** Whether other nodes may have members of a board (cluster mode; absent: never). */
  shared?: (boardId: string) => boolean;
}

export interface AttachedSessions {
  /** Finishes presence writes in flight and sends pending deltas (a draining node, after closing its clients). */
  settle(): Promise<void>;
  /** Stops the sessions' node-wide timers (after settle), the ink tempo's load sampling among them. */
  close(): void;
}

export function attachSessions(
  io: MeshServer,
  admission: Admission,
  ink: InkRelay,
  { registry, ...deps }: Omit<SessionDeps, "io" | "drafts" | "cursors" | "ink" | "presence"> & { registry: PresenceRegistry },
): AttachedSessions {
  // Live traffic goes through Redis only when another node may have members of the board.
  const fanoutFor = (boardId: string): BoardFanout => (ink.shared?.(boardId) ? io : io.local);
  // The ink clock's period follows this node's ink work (ink-tempo.ts); the batchers read it at each flush.
  // A new tick is announced to every session on the node at once (their ink follows it from the next tick).
  const tempo = new InkTempo(ink, {
    changed: (periodMs) => {
      deps.log.debug({ periodMs }, "ink tick changed");
      io.local.emit("ink", { periodMs });
    },
  });
  tempo.start();
  // Live ink leaves once per tick of the ink clock, a board's drafts in one `drafts` message.
  const drafts = new DraftBatcher<MeshSocket>({
    get flushMs() {
      return tempo.periodMs;
    },
    get phaseMs() {
      return tempo.flushLagMs;
    },
    deliver: (flush) => {
      // Each point reaches the board's other members on this node.
      tempo.note(inkPoints(flush.drafts), localBoardMembers(io, flush.boardId) - 1);
      deliverDrafts(fanoutFor(flush.boardId), flush);
    },
  });
  // Cursors too: one `cursors` message per board per tick, the latest position of each mover.
  const cursors = new CursorBatcher({
    get periodMs() {
      return tempo.periodMs;
    },
    get phaseMs() {
      return tempo.flushLagMs;
    },
    deliver: (boardId, batch) => fanoutFor(boardId).to(boardRoom(boardId)).except(CONGESTED_ROOM).volatile.emit("cursors", batch),
  });
  // Presence deltas always go through the adapter: rare, and a member elsewhere must not miss one.
  const presence = new PresenceFeed(registry, new PresenceCoalescer({ flushMs: PRESENCE_FLUSH_MS, deliver: (flush) => deliverPresence(io, flush) }));
  const admit = handshakeMiddleware(admission);
  io.use((socket, next) =>
    admit(socket, (err) => {
      if (err) noteRefusal(socket, err, deps);
      next(err);
    }),
  );
  // What Socket.IO, Engine.IO and ws keep per connection that a started session never reads (io-internals.ts).
  const release = sessionRelease(io, { log: deps.log });
  const startSession = createSessions({ ...deps, io, drafts, cursors, presence, ink: () => ({ periodMs: tempo.periodMs }) });
  io.on("connection", (socket) => {
    startSession(socket);
    release(socket);
  });
  return {
    settle: () => presence.settle(),
    close: () => {
      tempo.stop();
      startSession.close();
    },
  };
}

/** Counts and logs a refused handshake; the auth payload (and any token in it) is never logged. */
function noteRefusal(socket: MeshSocket, err: Error, deps: Pick<SessionDeps, "log" | "metrics">): void {
  const code = (ERROR_CODES as readonly string[]).includes(err.message) ? (err.message as ErrorCode) : "internal";
  deps.metrics?.handshakeRefused(code);
  const board = socket.handshake.query[BOARD_QUERY_PARAM];
  // Refusals while starting or draining are expected (clients retry elsewhere).
  const level = code === "storage_unavailable" ? "debug" : "info";
  deps.log[level]({ socket: socket.id, board: isValidBoardId(board) ? board : undefined, code }, "handshake refused");
}

/** Ink points in a flush (x,y pairs). */
function inkPoints(drafts: readonly PeerDraft[]): number {
  let n = 0;
  for (const d of drafts) n += d.points.length / 2;
  return n;
}

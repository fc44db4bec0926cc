/** The Socket.IO server: options, admission and sessions. */
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { SOCKET_PATH } from "../../shared/constants.js";
import { LIMITS } from "../../shared/protocol.js";
import { handshakeMiddleware, type Admission } from "./handshake.js";
import { startSession, type SessionDeps } from "./session.js";
import type { MeshServer } from "./types.js";

export interface SocketServerOptions {
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
    transports: options.transports ?? ["polling", "websocket"],
    cors: options.corsOrigins.length ? { origin: options.corsOrigins, credentials: true } : undefined,
    connectionStateRecovery: undefined,
  });
}

export function attachSessions(io: MeshServer, admission: Admission, deps: Omit<SessionDeps, "io">): void {
  io.use(handshakeMiddleware(admission));
  io.on("connection", (socket) => startSession(socket, { ...deps, io }));
}

/** Opens the board's Socket.IO connection exactly as the protocol prescribes. */
import { io, type Socket } from "socket.io-client";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../shared/constants.js";
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from "../../shared/protocol.js";

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * `auth` is a function so every reconnect sends the current lastSeq and name.
 * WebSocket first (one round trip to a session, and the lightest connection on
 * the node), long-polling when a proxy will not let a WebSocket through.
 */
export function openBoardSocket(boardId: string, auth: () => HandshakeAuth): BoardSocket {
  return io({
    path: SOCKET_PATH,
    query: { [BOARD_QUERY_PARAM]: boardId },
    auth: (cb) => cb(auth()),
    withCredentials: true,
    transports: ["websocket", "polling"],
    tryAllTransports: true,
  });
}

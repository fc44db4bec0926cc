/** Socket.IO generics for the server side. */
import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "../../shared/protocol.js";

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

/** What the handshake established about a connection, and where its session keeps its state. */
export interface SessionData {
  boardId: string;
  clientId: string;
  sessionId: string;
  name: string;
  lastSeq: number;
  lastOpId: string | undefined;
  readOnly: boolean;
  /** The session's presence join: registry write started ("joining"), then settled ("joined"); session.ts. */
  presence: "joining" | "joined" | undefined;
}

export type MeshServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SessionData>;
/** Where a board's broadcasts go: the whole cluster (`io`) or this node's sockets only (`io.local`). */
export type BoardFanout = Pick<MeshServer, "to">;

export type MeshSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SessionData>;

const BOARD_ROOM_PREFIX = "board:";

/** The name of someone whose name is empty once cleaned (display-name.ts). */
export const DEFAULT_NAME = "Guest";

export function boardRoom(boardId: string): string {
  return `${BOARD_ROOM_PREFIX}${boardId}`;
}

/** Sockets of a board on this node (rooms live per node, whatever the adapter). */
export function localBoardMembers(io: MeshServer, boardId: string): number {
  return io.of("/").adapter.rooms.get(boardRoom(boardId))?.size ?? 0;
}

/** Boards with at least one socket on this node (rooms live per node, whatever the adapter). */
export function localBoardCount(io: MeshServer): number {
  let n = 0;
  for (const room of io.of("/").adapter.rooms.keys()) if (room.startsWith(BOARD_ROOM_PREFIX)) n++;
  return n;
}

/** Admission of a new socket: board id from the query, auth payload, readiness. */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { BOARD_QUERY_PARAM, isValidBoardId } from "../../shared/constants.js";
import { cleanDisplayName } from "../../shared/display-name.js";
import { HANDSHAKE_ERRORS, PROTOCOL_VERSION, describeIssues, handshakeAuthSchema } from "../../shared/protocol.js";
import { DEFAULT_NAME, type MeshSocket } from "./types.js";

export interface Admission {
  /** False while starting or draining: new sessions go elsewhere. */
  accepting(): boolean;
  /** Decides read-only access from the handshake (access control hooks in here). */
  readOnly(boardId: string, token: string | undefined): boolean | "forbidden";
  /** Why a new connection is refused (origin, too many from one address), or null. */
  refuseConnection?(req: IncomingMessage): string | null | Promise<string | null>;
  /** The identity the server vouches for on this connection (its initial request), or null; absent: the claimed clientId is used. */
  identify?(req: IncomingMessage): string | null;
}

/**
 * Engine.IO gate for new connections (first HTTP request or WebSocket upgrade):
 * a node that is starting, draining or without Redis answers 403 and the client
 * retries with backoff.
 */
export function allowRequest(admission: Admission) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    if (!admission.accepting()) return callback("this node is not serving; retry", false);
    const refusal = admission.refuseConnection?.(req);
    const decide = (r: string | null | undefined) => (r ? callback(r, false) : callback(null, true));
    // A cluster-wide count (Redis) answers later; a refusal that fails is not a refusal.
    if (refusal instanceof Promise) refusal.then(decide, () => decide(null));
    else decide(refusal);
  };
}

/** Socket.IO middleware; a refusal reaches the client as `connect_error` with `data`. */
export function handshakeMiddleware(admission: Admission) {
  return (socket: MeshSocket, next: (err?: Error) => void): void => {
    const refuse = (code: string, message: string) => {
      const err = new Error(code) as Error & { data: unknown };
      err.data = { code, message };
      next(err);
    };
    // A node that is not serving closes the transport instead of refusing: a refusal
    // (connect_error) would stop the client for good, a closed transport makes it
    // reconnect with backoff, and the balancer sends it to a ready node.
    if (!admission.accepting()) return void socket.conn.close();
    const boardId = socket.handshake.query[BOARD_QUERY_PARAM];
    if (!isValidBoardId(boardId)) return refuse(HANDSHAKE_ERRORS.invalidBoard, "board ids are 1-64 characters of [A-Za-z0-9_-]");
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) return refuse(HANDSHAKE_ERRORS.invalidAuth, `bad handshake auth: ${describeIssues(auth.error)}`);
    if (auth.data.protocol !== PROTOCOL_VERSION) {
      return refuse(HANDSHAKE_ERRORS.protocolMismatch, `server speaks protocol ${PROTOCOL_VERSION}, client ${auth.data.protocol}; reload the page`);
    }
    const readOnly = admission.readOnly(boardId, auth.data.token);
    if (readOnly === "forbidden") return refuse(HANDSHAKE_ERRORS.forbidden, "this link does not grant access to the board");
    // Whoever the client claims to be, it is who its cookie (or this handshake) says.
    const vouched = admission.identify ? admission.identify(socket.request) : auth.data.clientId;
    if (vouched === null) return void socket.conn.close();
    socket.data = {
      boardId,
      clientId: vouched,
      sessionId: randomBytes(9).toString("base64url"),
      name: cleanDisplayName(auth.data.name) || DEFAULT_NAME,
      lastSeq: auth.data.lastSeq,
      lastOpId: auth.data.lastOpId,
      readOnly,
      presence: undefined,
    };
    next();
  };
}

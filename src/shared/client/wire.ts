/**
 * The session's view of its connection: the few things it does with a
 * Socket.IO client socket, so that a test can stand a fake socket in its place
 * and Node clients can pass their own socket options.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../constants.js";
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from "../protocol.js";

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Server events, plus the connection's own. */
export interface WireEvents extends ServerToClientEvents {
  connect_error: (err: Error & { data?: { code?: string; message?: string } }) => void;
  disconnect: (reason: string) => void;
  /** Socket.IO's reconnection manager is about to try again (1, 2, 3, …). */
  reconnect_attempt: (attempt: number) => void;
}

/** Fire-and-forget events. */
export type SendEvent = "draft" | "preview" | "cursor" | "profile";
/** Events answered by an ack. */
export type CallEvent = "op" | "sync" | "clock";
export type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
export type AckOf<E extends CallEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

export interface BoardWire {
  readonly connected: boolean;
  /** False once the connection gave up for good (handshake refused, or reconnection off). */
  readonly active: boolean;
  on<E extends keyof WireEvents>(event: E, fn: WireEvents[E]): void;
  /** `volatile`: dropped rather than buffered when the connection is not writable. */
  send<E extends SendEvent>(event: E, payload: Payload<E>, volatile?: boolean): void;
  /** `done` gets the ack, or an error when none came within `timeoutMs`. */
  call<E extends CallEvent>(event: E, payload: Payload<E>, timeoutMs: number, done: (err: Error | null, ack?: AckOf<E>) => void): void;
  /** Starts a new session on a new connection (a compacted board's snapshot comes with its catch-up). */
  reconnect?(): void;
  close(): void;
}

/** Opens a socket and returns the wire; `auth` is asked on every (re)connect. */
export type WireFactory = (auth: () => HandshakeAuth) => BoardWire;

export interface SocketWireOptions {
  boardId: string;
  /** The server's origin; omitted in the browser (the page's own). */
  url?: string;
  /** Socket.IO client options (transports, reconnection, parser, headers…). */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** Gets the socket as soon as it exists (tests and probes watch its transport). */
  onSocket?: (socket: BoardSocket) => void;
}

/**
 * WebSocket first (one round trip to a session, and the lightest connection on
 * the node), long-polling when a proxy will not let a WebSocket through.
 */
export function socketWire(opts: SocketWireOptions): WireFactory {
  return (auth) => {
    const options: Partial<ManagerOptions & SocketOptions> = {
      path: SOCKET_PATH,
      query: { [BOARD_QUERY_PARAM]: opts.boardId },
      auth: (cb) => cb(auth()),
      // Keeps cookies (the balancer's affinity cookie) across requests.
      withCredentials: true,
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      ...opts.socket,
    };
    const socket: BoardSocket = opts.url === undefined ? io(options) : io(opts.url, options);
    opts.onSocket?.(socket);
    return wrapSocket(socket);
  };
}

export function wrapSocket(socket: BoardSocket): BoardWire {
  return {
    get connected() {
      return socket.connected;
    },
    get active() {
      return socket.active;
    },
    on(event, fn) {
      if (event === "reconnect_attempt") socket.io.on("reconnect_attempt", fn as (n: number) => void);
      else socket.on(event as "welcome", fn as never);
    },
    send(event, payload, volatile = false) {
      const s = volatile ? socket.volatile : socket;
      (s.emit as (e: string, p: unknown) => void)(event, payload);
    },
    call(event, payload, timeoutMs, done) {
      (socket.timeout(timeoutMs).emit as (e: string, p: unknown, cb: (err: Error | null, ack?: unknown) => void) => void)(
        event,
        payload,
        (err, ack) => done(err, ack as never),
      );
    },
    reconnect() {
      socket.disconnect().connect();
    },
    close() {
      socket.disconnect();
    },
  };
}

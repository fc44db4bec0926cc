/**
 * Bounded outgoing buffers. A client that reads slower than its board writes
 * first stops getting ephemeral traffic (live ink, cursors: it joins the
 * CONGESTED_ROOM that those broadcasts skip), and is cut off when its buffer
 * passes the hard limit or stops draining altogether. A cut client reconnects and
 * catches up by seq like after any disconnect, so no operation is lost; meanwhile
 * nobody else waits for it.
 *
 * A socket that keeps up costs nothing here: every event written to a socket
 * passes one listener shared by all sockets (Socket.IO's onAnyOutgoing), which
 * reads what is waiting from Engine.IO and the WebSocket; a watch (state swept
 * every 100 ms) exists only while a socket has a backlog or a catch-up waits on it.
 *
 * The listener runs before the packet is queued, and counts the packet itself:
 * a write that would take the buffer past the hard limit cuts the socket off
 * instead of being made (the packet is then dropped unencoded). Payloads are
 * measured as JSON piece by piece, once per object (a broadcast's payload is
 * measured for its first recipient only; catch-up pages come measured), and
 * only for a socket with something waiting: one that keeps up (nothing queued
 * in Engine.IO, nothing buffered by its WebSocket) takes any single event
 * unmeasured, because the hard limit exceeds the soft one by at least twice the
 * largest op and a page is never larger than that room (config.ts). Its backlog,
 * if that event starts one, is measured at the next write.
 */
import { cachedJsonLength } from "../../shared/json-length.js";
import type { Logger } from "../observability/logger.js";
import type { MeshServer, MeshSocket } from "./types.js";

/** Ephemeral broadcasts go `.except(CONGESTED_ROOM)`. */
export const CONGESTED_ROOM = "congested";

export interface SlowClientLimits {
  /** Buffered bytes past which a socket gets no ephemeral events. */
  softBytes: number;
  /** Buffered bytes past which the socket is cut off. */
  hardBytes: number;
  /** A congested socket whose buffer has not drained at all for this long is cut off. */
  stallMs: number;
}

/** What is read of an Engine.IO connection (engine.io is Socket.IO's, not ours to import). */
interface EngineConnection {
  /** Packets not yet handed to the transport; replaced by a new array on every flush. */
  writeBuffer: Array<{ data?: string | Buffer }>;
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
}

interface Watch {
  socket: MeshSocket;
  congested: boolean;
  lastTotal: number;
  lastProgress: number;
  waiters: Array<() => void>;
  /** Bytes of `counted` packets of `buffer` (the engine's writeBuffer), summed once each. */
  buffer: unknown[] | undefined;
  counted: number;
  bytes: number;
}

const SWEEP_MS = 100;
/**
 * While a catch-up waits for a socket to drain, its buffer is looked at this
 * often: a page waiting a whole sweep would hold a large board's catch-up to
 * ten pages a second.
 */
const WAITER_POLL_MS = 5;
/** Past this many packets waiting in Engine.IO a socket gets a watch, so they are summed once each. */
const WATCH_QUEUE_PACKETS = 16;

const packetBytes = (d: string | Buffer | undefined) => (d === undefined ? 1 : typeof d === "string" ? d.length : d.byteLength);
/** Engine.IO and Socket.IO framing around an event's JSON (`42[…]`, an ack id): a few bytes, counted generously. */
const FRAMING_BYTES = 16;

/** What an event will weigh once encoded (its JSON array `[event, ...args]` plus framing). */
export function eventBytes(args: readonly unknown[]): number {
  let n = FRAMING_BYTES + args.length + 1;
  for (let i = 0; i < args.length; i++) n += cachedJsonLength(args[i]);
  return n;
}
const connOf = (socket: MeshSocket) => socket.conn as unknown as EngineConnection;

export class SlowClientGuard {
  /** Sockets with a backlog or a catch-up waiting on them, by Engine.IO connection; all swept. */
  private readonly watches = new Map<object, Watch>();
  private readonly sweeper: NodeJS.Timeout;
  /** Every socket's onAnyOutgoing listener: Socket.IO calls it with `this` = the socket and the event's arguments, before queueing the packet. */
  private readonly outgoing: (this: MeshSocket, ...args: unknown[]) => void;
  /** Watches with a catch-up waiting on them, polled every WAITER_POLL_MS while there are any. */
  private readonly waiting = new Set<Watch>();
  private waiterPoll: NodeJS.Timeout | undefined;
  /** Connections cut off whose close is still under way (long-polling closes asynchronously). */
  private readonly cutConns = new WeakSet<object>();
  /** Sockets cut off so far (for logs and tests). */
  cut = 0;

  constructor(
    private readonly limits: SlowClientLimits,
    private readonly log: Logger,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    const guard = this;
    this.outgoing = function (this: MeshSocket, ...args: unknown[]) {
      if (guard.keepingUp(this)) return;
      guard.check(this, eventBytes(args));
    };
  }

  attach(io: MeshServer): void {
    const outgoing = this.outgoing;
    io.on("connection", (socket) => socket.onAnyOutgoing(outgoing));
    // Engine.IO flushes only onto a writable transport: the previous write went out.
    io.engine.on("flush", (conn: object) => {
      const w = this.watches.get(conn);
      if (w) w.lastProgress = Date.now();
    });
  }


  /**
   * Counts a write that does not pass onAnyOutgoing (an acknowledgement) before it
   * is made; false when the socket was cut off instead (do not write).
   */
  beforeWrite(socket: MeshSocket, bytes: number): boolean {
    if (!socket.connected) return false;
    this.check(socket, bytes);
    return socket.connected && !this.cutConns.has(socket.conn);
  }

  /** Resolves once the socket's buffer is below the soft limit (or it is gone). */
  drained(socket: MeshSocket): Promise<void> {
    if (!socket.connected) return Promise.resolve();
    const conn = connOf(socket);
    let w = this.watches.get(conn);
    if (!w && this.buffered(conn, undefined) <= this.limits.softBytes) return Promise.resolve();
    w ??= this.watch(socket);
    if (this.buffered(conn, w) <= this.limits.softBytes) return Promise.resolve();
    this.waiting.add(w);
    this.waiterPoll ??= setInterval(() => this.pollWaiters(), WAITER_POLL_MS);
    return new Promise((resolve) => w.waiters.push(resolve));
  }

  /** Bytes waiting to reach the client: Engine.IO's queue plus the WebSocket's. */
  private buffered(conn: EngineConnection, w: Watch | undefined): number {
    const transport = conn.transport;
    const ws = transport.name === "websocket" ? (transport.socket?.bufferedAmount ?? 0) : 0;
    const buffer = conn.writeBuffer;
    if (!w) {
      let bytes = 0;
      for (let i = 0; i < buffer.length; i++) bytes += packetBytes(buffer[i].data);
      return bytes + ws;
    }
    // The engine only appends to its writeBuffer, and swaps it for a new array when it flushes.
    if (w.buffer !== buffer) {
      w.buffer = buffer;
      w.counted = 0;
      w.bytes = 0;
    }
    for (let i = w.counted; i < buffer.length; i++) w.bytes += packetBytes(buffer[i].data);
    w.counted = buffer.length;
    return w.bytes + ws;
  }

  private watch(socket: MeshSocket): Watch {
    const w: Watch = { socket, congested: false, lastTotal: 0, lastProgress: Date.now(), waiters: [], buffer: undefined, counted: 0, bytes: 0 };
    this.watches.set(socket.conn, w);
    return w;
  }

  /** Nothing waits to reach the client and no watch is kept: the next event goes out as it is. */
  private keepingUp(socket: MeshSocket): boolean {
    const conn = connOf(socket);
    return conn.writeBuffer.length === 0 && !this.watches.has(conn) && this.buffered(conn, undefined) === 0;
  }

  /**
   * Judges a write of `incoming` bytes about to be made to the socket (an event,
   * or an acknowledgement: see `beforeWrite`).
   */
  private check(socket: MeshSocket, incoming: number): void {
    const conn = connOf(socket);
    if (this.cutConns.has(conn)) return;
    let w = this.watches.get(conn);
    if (!w) {
      // The common case: (almost) nothing waiting in Engine.IO, the WebSocket keeping up.
      if (conn.writeBuffer.length <= WATCH_QUEUE_PACKETS && this.buffered(conn, undefined) + incoming <= this.limits.softBytes) return;
      w = this.watch(socket);
    }
    const total = this.buffered(conn, w) + incoming;
    if (total > this.limits.hardBytes) return this.cutOff(w, total, "buffer over the limit");
    if (!w.congested && total > this.limits.softBytes) {
      w.congested = true;
      w.lastTotal = total;
      w.lastProgress = Date.now();
      void w.socket.join(CONGESTED_ROOM);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const w of this.watches.values()) {
      if (!w.socket.connected) {
        this.forget(w);
        continue;
      }
      const conn = connOf(w.socket);
      const total = this.buffered(conn, w);
      if (total < w.lastTotal) w.lastProgress = now;
      w.lastTotal = total;
      if (total <= this.limits.softBytes) {
        if (w.congested) {
          w.congested = false;
          void w.socket.leave(CONGESTED_ROOM);
        }
        for (const resolve of w.waiters.splice(0)) resolve();
        // Back to keeping up: nothing to remember until the next backlog.
        if (conn.writeBuffer.length <= WATCH_QUEUE_PACKETS) this.watches.delete(conn);
      } else if (w.congested && now - w.lastProgress > this.limits.stallMs) {
        this.cutOff(w, total, "not reading");
      }
    }
  }

  private pollWaiters(): void {
    for (const w of this.waiting) {
      if (w.waiters.length === 0 || !w.socket.connected || this.buffered(connOf(w.socket), w) <= this.limits.softBytes) {
        this.waiting.delete(w);
        for (const resolve of w.waiters.splice(0)) resolve();
      }
    }
    if (this.waiting.size === 0) {
      clearInterval(this.waiterPoll);
      this.waiterPoll = undefined;
    }
  }

  private forget(w: Watch): void {
    this.waiting.delete(w);
    this.watches.delete(w.socket.conn);
    for (const resolve of w.waiters.splice(0)) resolve();
  }

  private cutOff(w: Watch, bytes: number, why: string): void {
    this.forget(w);
    this.cutConns.add(w.socket.conn);
    this.cut++;
    this.log.warn({ socket: w.socket.id, board: w.socket.data.boardId, bytes, why }, "slow client cut off");
    const transport = connOf(w.socket).transport;
    // A WebSocket close handshake would queue behind the backlog: drop the connection now.
    if (transport.name === "websocket" && transport.socket?.terminate) transport.socket.terminate();
    // Closed at once (discarding the backlog), so the write being judged is never encoded.
    w.socket.conn.close(true);
  }

  close(): void {
    clearInterval(this.sweeper);
    clearInterval(this.waiterPoll);
  }
}

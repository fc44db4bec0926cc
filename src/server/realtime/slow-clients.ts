/**
 * Bounded outgoing buffers. A client that reads slower than its board writes
 * first stops getting ephemeral traffic (live ink, cursors: it joins the
 * CONGESTED_ROOM that those broadcasts skip), and is cut off when its buffer
 * passes the hard limit or stops draining altogether. A cut client reconnects and
 * catches up by seq like after any disconnect, so no operation is lost; meanwhile
 * nobody else waits for it.
 */
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

interface Watch {
  socket: MeshSocket;
  /** Bytes of packets queued in Engine.IO (not yet handed to the transport). */
  queued: number;
  congested: boolean;
  lastTotal: number;
  lastProgress: number;
  waiters: Array<() => void>;
}

/** The Engine.IO connection events watched (engine.io is Socket.IO's, not ours to import). */
interface EngineConnection {
  on(event: "packetCreate", listener: (packet: { data?: string | Buffer }) => void): unknown;
  on(event: "flush", listener: () => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

const SWEEP_MS = 100;

export class SlowClientGuard {
  private readonly watches = new Map<string, Watch>();
  /** Watches the sweep looks at: congested, or with a catch-up waiting for them to drain. */
  private readonly hot = new Set<Watch>();
  private readonly sweeper: NodeJS.Timeout;
  /** Sockets cut off so far (for logs and tests). */
  cut = 0;

  constructor(
    private readonly limits: SlowClientLimits,
    private readonly log: Logger,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  attach(io: MeshServer): void {
    io.on("connection", (socket) => this.watch(socket));
  }

  watch(socket: MeshSocket): void {
    const conn = socket.conn as unknown as EngineConnection;
    const w: Watch = { socket, queued: 0, congested: false, lastTotal: 0, lastProgress: Date.now(), waiters: [] };
    this.watches.set(socket.id, w);
    const onPacket = (packet: { data?: string | Buffer }) => {
      const d = packet.data;
      w.queued += d === undefined ? 1 : typeof d === "string" ? d.length : d.byteLength;
      this.check(w);
    };
    // Engine.IO flushes only onto a writable transport: the previous write went out.
    const onFlush = () => {
      w.queued = 0;
      w.lastProgress = Date.now();
    };
    conn.on("packetCreate", onPacket);
    conn.on("flush", onFlush);
    socket.once("disconnect", () => {
      conn.off("packetCreate", onPacket);
      conn.off("flush", onFlush);
      this.forget(w);
    });
  }

  /** Resolves once the socket's buffer is below the soft limit (or it is gone). */
  drained(socket: MeshSocket): Promise<void> {
    const w = this.watches.get(socket.id);
    if (!w || this.buffered(w) <= this.limits.softBytes) return Promise.resolve();
    this.hot.add(w);
    return new Promise((resolve) => w.waiters.push(resolve));
  }

  /** Bytes waiting to reach the client: Engine.IO's queue plus the WebSocket's. */
  private buffered(w: Watch): number {
    const transport = w.socket.conn.transport as unknown as { name: string; socket?: { bufferedAmount?: number } };
    return w.queued + (transport.name === "websocket" ? (transport.socket?.bufferedAmount ?? 0) : 0);
  }

  private check(w: Watch): void {
    const total = this.buffered(w);
    if (total > this.limits.hardBytes) return this.cutOff(w, total, "buffer over the limit");
    if (!w.congested && total > this.limits.softBytes) {
      w.congested = true;
      this.hot.add(w);
      w.lastTotal = total;
      w.lastProgress = Date.now();
      void w.socket.join(CONGESTED_ROOM);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const w of this.hot) {
      const total = this.buffered(w);
      if (total < w.lastTotal) w.lastProgress = now;
      w.lastTotal = total;
      if (total <= this.limits.softBytes) {
        if (w.congested) {
          w.congested = false;
          void w.socket.leave(CONGESTED_ROOM);
        }
        for (const resolve of w.waiters.splice(0)) resolve();
        this.hot.delete(w);
      } else if (w.congested && now - w.lastProgress > this.limits.stallMs) {
        this.cutOff(w, total, "not reading");
      }
    }
  }

  private forget(w: Watch): void {
    this.watches.delete(w.socket.id);
    this.hot.delete(w);
    for (const resolve of w.waiters.splice(0)) resolve();
  }

  private cutOff(w: Watch, bytes: number, why: string): void {
    this.forget(w);
    this.cut++;
    this.log.warn({ socket: w.socket.id, board: w.socket.data.boardId, bytes, why }, "slow client cut off");
    const transport = w.socket.conn.transport as unknown as { name: string; socket?: { terminate?: () => void } };
    // A WebSocket close handshake would queue behind the backlog: drop the connection now.
    if (transport.name === "websocket" && transport.socket?.terminate) transport.socket.terminate();
    else w.socket.conn.close(true);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

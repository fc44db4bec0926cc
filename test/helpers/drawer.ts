/**
 * A person drawing continuously, as the browser client behaves on the wire:
 * strokes go to an outbox and stay there until acknowledged; everything not yet
 * acknowledged is resent on every new session and after retryable refusals; a
 * stroke drawn while disconnected waits in the outbox; a gap in the sequenced
 * stream is filled with `sync`. Reconnection uses Socket.IO's defaults, which the
 * browser uses too (first retry after 0.5-1.5 s, at most 5 s apart), so measured
 * reconnect times are what a person would see.
 */
import { io } from "socket.io-client";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import { BoardModel } from "../../src/shared/board-model.js";
import {
  PROTOCOL_VERSION,
  TRANSIENT_ERRORS,
  type BoardOp,
  type ErrorCode,
  type OpAck,
  type SequencedOp,
} from "../../src/shared/protocol.js";
import { newId, strokeOp, type ClientSocket } from "./board-client.js";
import { waitFor } from "./wait.js";

export interface DrawerOptions {
  name?: string;
  /** A new stroke every this many ms while drawing. */
  strokeEveryMs?: number;
  transports?: ("polling" | "websocket")[];
  extraHeaders?: Record<string, string>;
  ackTimeoutMs?: number;
}

/** Retryable refusals: the op was fine, the server was busy (the client retries these). */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([...TRANSIENT_ERRORS, "internal"]);
const GAP_TIMEOUT_MS = 1_000;

export class Drawer {
  readonly socket: ClientSocket;
  model = new BoardModel();
  readonly clientId = newId();
  /** Every op this person made, in order. */
  readonly drawn: BoardOp[] = [];
  /** opIds made while the socket was disconnected. */
  readonly drawnOffline = new Set<string>();
  /** opId → seq, from acknowledgements. */
  readonly acked = new Map<string, number>();
  /** Refusals that were not retryable (a healthy run has none). */
  readonly rejected: Array<{ op: BoardOp; code: ErrorCode }> = [];
  readonly welcomes: Array<{ at: number; node: string }> = [];
  readonly disconnects: Array<{ at: number; reason: string }> = [];
  readonly drains: string[] = [];
  /** Welcomes whose head was behind this client's: acknowledged ops were lost on the server. */
  readonly regressions: Array<{ server: number; client: number }> = [];
  /** Sequenced ops received (live, catch-up and sync), duplicates included. */
  received = 0;
  syncs = 0;
  private outbox: Array<{ op: BoardOp; inFlight: boolean }> = [];
  private ahead = new Map<number, SequencedOp>();
  private known = 0;
  private welcomed = false;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private gapTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly url: string,
    readonly boardId: string,
    readonly opts: DrawerOptions = {},
  ) {
    this.socket = io(url, {
      path: SOCKET_PATH,
      query: { [BOARD_QUERY_PARAM]: boardId },
      auth: (cb) => cb({ protocol: PROTOCOL_VERSION, clientId: this.clientId, lastSeq: this.model.head, name: opts.name ?? "drawer" }),
      transports: opts.transports ?? ["polling", "websocket"],
      withCredentials: true,
      extraHeaders: opts.extraHeaders,
      forceNew: true,
    });
    this.socket.on("welcome", (w) => {
      this.welcomes.push({ at: Date.now(), node: w.node });
      if (w.head < this.model.head) {
        // As the browser does: the server lost what we had; start over from its board.
        this.regressions.push({ server: w.head, client: this.model.head });
        this.model = new BoardModel();
        this.ahead.clear();
        this.known = 0;
      }
      this.known = Math.max(this.known, w.head);
      this.welcomed = true;
      for (const e of this.outbox) e.inFlight = false;
      this.flush();
      this.checkGap();
    });
    this.socket.on("ops", (ops) => this.receive(ops));
    this.socket.on("drain", (d) => this.drains.push(d.node));
    this.socket.on("disconnect", (reason) => {
      this.welcomed = false;
      this.disconnects.push({ at: Date.now(), reason });
      for (const e of this.outbox) e.inFlight = false;
    });
  }

  get node(): string | null {
    return this.welcomed ? (this.welcomes.at(-1)?.node ?? null) : null;
  }

  get connected(): boolean {
    return this.welcomed && this.socket.connected;
  }

  get pending(): number {
    return this.outbox.length;
  }

  /** Draws one stroke now (it goes out at once if connected, else waits in the outbox). */
  draw(): BoardOp {
    const op = strokeOp([Math.random() * 500, Math.random() * 500, Math.random() * 500, Math.random() * 500]);
    this.drawn.push(op);
    if (!this.connected) this.drawnOffline.add(op.opId);
    // Live ink first, like the pen tool; volatile, dropped while disconnected.
    if (this.connected) {
      const { id, color, width, points } = op.item as { id: string; color: string; width: number; points: number[] };
      this.socket.volatile.emit("draft", { itemId: id, color, width, from: 0, points, t: Date.now() });
    }
    this.outbox.push({ op, inFlight: false });
    this.flush();
    return op;
  }

  start(): this {
    this.timer ??= setInterval(() => this.draw(), this.opts.strokeEveryMs ?? 50);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Everything drawn is acknowledged and the board is applied up to its last known head. */
  async settled(timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.outbox.length === 0 && this.connected, { timeoutMs, what: `outbox of ${this.opts.name ?? "drawer"} empty (${this.outbox.length} left)` });
  }

  async waitForHead(seq: number, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.model.head >= seq, { timeoutMs, what: `${this.opts.name ?? "drawer"} at head ${seq} (has ${this.model.head})` });
  }

  close(): void {
    this.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.socket.disconnect();
  }

  private flush(): void {
    if (!this.connected) return;
    for (const entry of this.outbox) {
      if (entry.inFlight) continue;
      entry.inFlight = true;
      const session = this.welcomes.length;
      this.socket.timeout(this.opts.ackTimeoutMs ?? 5_000).emit("op", entry.op, (err: Error | null, ack?: OpAck) => {
        if (!this.outbox.includes(entry) || session !== this.welcomes.length) return;
        entry.inFlight = false;
        if (err || !ack) return this.scheduleRetry();
        if (ack.ok) {
          this.acked.set(entry.op.opId, ack.seq);
          this.outbox.splice(this.outbox.indexOf(entry), 1);
          this.known = Math.max(this.known, ack.seq);
          this.checkGap();
          return;
        }
        if (RETRYABLE.has(ack.error.code)) return this.scheduleRetry();
        this.rejected.push({ op: entry.op, code: ack.error.code });
        this.outbox.splice(this.outbox.indexOf(entry), 1);
      });
    }
  }

  private scheduleRetry(): void {
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, 200);
  }

  private receive(ops: SequencedOp[]): void {
    for (const s of ops) {
      this.received++;
      if (s.seq > this.model.head) this.ahead.set(s.seq, s);
      this.known = Math.max(this.known, s.seq);
    }
    let next: SequencedOp | undefined;
    while ((next = this.ahead.get(this.model.head + 1))) {
      this.ahead.delete(next.seq);
      this.model.apply(next);
    }
    this.checkGap();
  }

  /** Like the browser's sequencer: a head stuck below a known seq for a second asks `sync`. */
  private checkGap(): void {
    if (this.model.head >= this.known || this.gapTimer) return;
    const headThen = this.model.head;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.model.head >= this.known || !this.connected) return this.checkGap();
      if (this.model.head > headThen) return this.checkGap();
      this.syncs++;
      this.socket.timeout(5_000).emit("sync", { since: this.model.head }, (err: Error | null, res?: unknown) => {
        if (!err && res && typeof res === "object" && "ops" in res) this.receive((res as { ops: SequencedOp[] }).ops);
        this.checkGap();
      });
    }, GAP_TIMEOUT_MS);
  }
}

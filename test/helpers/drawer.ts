/**
 * A person drawing continuously, as the browser client behaves on the wire,
 * because it IS the browser's protocol core (src/shared/client/BoardSession) on
 * socket.io-client with in-memory storage: strokes go to the outbox and stay
 * until acknowledged, everything unconfirmed is resent once on every new
 * session and after retryable refusals (with backoff), a stroke drawn while
 * disconnected waits in the outbox, a gap in the stream is filled with `sync`.
 * Reconnection uses Socket.IO's defaults, which the browser uses too (first
 * retry after 0.5-1.5 s, at most 5 s apart), so measured reconnect times are
 * what a person would see. This file only records what happened, for tests.
 */
import type { BoardModel } from "../../src/shared/board-model.js";
import type { BoardOp, ErrorCode } from "../../src/shared/protocol.js";
import { BoardSession } from "../../src/shared/client/board-session.js";
import { socketWire } from "../../src/shared/client/wire.js";
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

/**
 * Backoff cap for retryable refusals: the browser's rules with a shorter
 * ceiling (the browser's is 15 s), so that a test's outage ends in seconds.
 */
const DRAWER_RETRY_MAX_MS = 2_000;

export class Drawer {
  readonly session: BoardSession;
  socket!: ClientSocket;
  readonly clientId = newId();
  /** Every op this person made, in order. */
  readonly drawn: BoardOp[] = [];
  /** opIds made while the session was disconnected. */
  readonly drawnOffline = new Set<string>();
  /** opId → seq, from acknowledgements (and this client's ops seen in the stream). */
  readonly acked = new Map<string, number>();
  /** Refusals that were not retryable (a healthy run has none). */
  readonly rejected: Array<{ op: BoardOp; code: ErrorCode }> = [];
  readonly welcomes: Array<{ at: number; node: string }> = [];
  readonly disconnects: Array<{ at: number; reason: string }> = [];
  readonly drains: string[] = [];
  /** Failed connection attempts (transport errors and handshake refusals), newest last. */
  readonly connectErrors: Array<{ at: number; message: string }> = [];
  /** Welcomes whose head was behind this client's: acknowledged ops were lost on the server. */
  readonly regressions: Array<{ server: number; client: number }> = [];
  /** Sequenced ops received (live, catch-up and sync), duplicates included. */
  received = 0;
  syncs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly url: string,
    readonly boardId: string,
    readonly opts: DrawerOptions = {},
  ) {
    this.session = new BoardSession({
      boardId,
      clientId: this.clientId,
      name: opts.name ?? "drawer",
      ackTimeoutMs: opts.ackTimeoutMs ?? 5_000,
      outbox: { retry: { maxMs: DRAWER_RETRY_MAX_MS } },
      wire: socketWire({
        url,
        boardId,
        socket: { transports: opts.transports ?? ["polling", "websocket"], tryAllTransports: false, extraHeaders: opts.extraHeaders, forceNew: true },
        onSocket: (socket) => (this.socket = socket),
      }),
    });
    const s = this.session;
    s.on("welcome", (w) => this.welcomes.push({ at: Date.now(), node: w.node }));
    s.on("rollback", (r) => {
      if (r.serverHead < r.clientHead) this.regressions.push({ server: r.serverHead, client: r.clientHead });
    });
    s.on("acked", ({ op, seq }) => this.acked.set(op.opId, seq));
    s.on("applied", (ops) => {
      for (const o of ops) if (o.author === s.clientId && !this.acked.has(o.op.opId)) this.acked.set(o.op.opId, o.seq);
    });
    s.on("rejected", ({ op, error }) => this.rejected.push({ op, code: error.code }));
    s.on("received", (ops) => (this.received += ops.length));
    s.on("catchUp", () => this.syncs++);
    s.on("drain", (d) => this.drains.push(d.node));
    s.on("disconnected", (reason) => this.disconnects.push({ at: Date.now(), reason }));
    s.on("connectError", (err) => this.connectErrors.push({ at: Date.now(), message: err.message }));
    s.start();
  }

  get model(): BoardModel {
    return this.session.model;
  }

  get node(): string | null {
    return this.session.node;
  }

  get connected(): boolean {
    return this.session.connected;
  }

  /** What a failed wait should print about this drawer: status, socket state, the last disconnects and errors. */
  describe(): string {
    const s = this.socket as ClientSocket | undefined;
    const last = <T,>(xs: T[]) => xs.slice(-3);
    return JSON.stringify({
      name: this.opts.name,
      status: this.session.status,
      node: this.node,
      socket: { connected: s?.connected, active: s?.active, transport: s?.io.engine?.transport.name },
      welcomes: this.welcomes.length,
      disconnects: last(this.disconnects),
      connectErrors: last(this.connectErrors),
      pending: this.pending,
    });
  }

  get pending(): number {
    return this.session.outbox.size;
  }

  /** Draws one stroke now (it goes out at once if connected, else waits in the outbox). */
  draw(): BoardOp {
    const op = strokeOp([Math.random() * 500, Math.random() * 500, Math.random() * 500, Math.random() * 500]);
    this.drawn.push(op);
    if (!this.connected) this.drawnOffline.add(op.opId);
    // Live ink first, like the pen tool (dropped while disconnected).
    const { id, color, width, points } = op.item as { id: string; color: string; width: number; points: number[] };
    this.session.sendDraft({ itemId: id, color, width, from: 0, points, t: Date.now() });
    this.session.submit(op);
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

  /** Everything drawn is acknowledged and the session is connected. */
  async settled(timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.pending === 0 && this.connected, { timeoutMs, what: `outbox of ${this.opts.name ?? "drawer"} empty (${this.pending} left)` });
  }

  async waitForHead(seq: number, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.model.head >= seq, { timeoutMs, what: `${this.opts.name ?? "drawer"} at head ${seq} (has ${this.model.head})` });
  }

  close(): void {
    this.stop();
    this.session.dispose();
  }
}

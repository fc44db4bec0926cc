/**
 * A meshboard client for tests: the headless client (src/shared/client/
 * BoardSession, the browser's own protocol core) on socket.io-client with
 * in-memory storage, plus a record of what arrived for tests to inspect.
 * `submit` sends one op once and returns the server's ack (tests study the
 * server's answers); `draw` queues an op in the outbox as the browser does.
 */
import { randomBytes } from "node:crypto";
import type { Socket } from "socket.io-client";
import type { BoardModel } from "../../src/shared/board-model.js";
import {
  checkServerAck,
  checkServerPayload,
  type PeerPreview,
  type BoardOp,
  type ClientToServerEvents,
  type OpAck,
  type Peer,
  type PeerCursor,
  type PeerDraft,
  type ProtocolError,
  type SequencedOp,
  type ServerToClientEvents,
  type Shape,
  type ShapeKind,
  type Stroke,
  type Text,
  type Welcome,
} from "../../src/shared/protocol.js";
import { BoardSession } from "../../src/shared/client/board-session.js";
import type { PresenceState } from "../../src/shared/client/presence-state.js";
import { checkedWire } from "../../src/shared/client/checked-wire.js";
import { socketWire } from "../../src/shared/client/wire.js";
import { waitFor } from "./wait.js";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface BoardClientOptions {
  clientId?: string;
  name?: string;
  /** Transport names, or engine.io-client transport classes (e.g. Fetch, to observe requests). */
  transports?: ("polling" | "websocket")[] | unknown[];
  upgrade?: boolean;
  token?: string;
  extraHeaders?: Record<string, string>;
  reconnection?: boolean;
  /** Follow the server's ink clock (asks `clock` now and then); off by default so tests count only their own events. */
  inkClock?: boolean;
}

export function newId(): string {
  return randomBytes(12).toString("base64url");
}

export function strokeOp(points: number[] = [10, 10, 20, 20, 30, 15], color = "#1e1e1e"): BoardOp & { type: "add" } {
  const item: Stroke = { kind: "stroke", id: newId(), color, width: 4, points };
  return { type: "add", opId: newId(), item };
}

export function shapeOp(shape: ShapeKind = "rect", corners: [number, number, number, number] = [10, 20, 110, 80], color = "#1c7ed6"): BoardOp & { type: "add" } {
  const [x1, y1, x2, y2] = corners;
  const item: Shape = { kind: "shape", id: newId(), shape, color, width: 4, x1, y1, x2, y2 };
  return { type: "add", opId: newId(), item };
}

export function textOp(text = "hello", x = 40, y = 60, color = "#e03131"): BoardOp & { type: "add" } {
  const item: Text = { kind: "text", id: newId(), color, size: 24, x, y, text };
  return { type: "add", opId: newId(), item };
}

export function moveOp(itemIds: string[], dx: number, dy: number): BoardOp & { type: "move" } {
  return { type: "move", opId: newId(), itemIds, dx, dy };
}

export function editOp(itemId: string, text: string): BoardOp & { type: "edit" } {
  return { type: "edit", opId: newId(), itemId, text };
}

export class BoardClient {
  readonly session: BoardSession;
  /** The Socket.IO socket under the session (tests emit raw events and watch the transport with it). */
  socket!: ClientSocket;
  /** Every sequenced op received (live batches and catch-up pages), in arrival order, duplicates included. */
  readonly received: SequencedOp[] = [];
  readonly errors: ProtocolError[] = [];
  /** Every draft received, batches flattened, in arrival order (this client's own included). */
  readonly drafts: PeerDraft[] = [];
  /** Messages that carried drafts (a `draft` or a `drafts` batch). */
  draftMessages = 0;
  /** Every cursor received, batches flattened, and the `cursors` messages that carried them. */
  readonly cursors: PeerCursor[] = [];
  cursorMessages = 0;
  /** Every live preview received, batches flattened (this client's own included). */
  readonly previews: PeerPreview[] = [];
  /** The latest welcome (kept after a disconnect). */
  welcome: Welcome | null = null;
  /** Presence received: messages (snapshots, deltas), peers and leaves they carried, JSON bytes; for traffic assertions. */
  readonly presenceTraffic = { snapshots: 0, deltas: 0, peers: 0, left: 0, bytes: 0 };
  connectError: (Error & { data?: { code?: string; message?: string } }) | null = null;
  /** Server messages and answers that did not match the protocol's schemas (tests expect none). */
  readonly malformed: string[] = [];
  /** Snapshots applied (compacted boards), and JSON bytes of the catch-up (snapshot pages, and ops up to welcome's head). */
  snapshots = 0;
  catchUpBytes = 0;

  constructor(
    readonly url: string,
    readonly boardId: string,
    readonly opts: BoardClientOptions = {},
  ) {
    this.session = new BoardSession({
      boardId,
      clientId: opts.clientId ?? newId(),
      name: opts.name ?? "tester",
      token: opts.token,
      inkClock: opts.inkClock ?? false,
      // Everything the server sends and answers is checked against the protocol's schemas.
      wire: checkedWire(socketWire({
        url,
        boardId,
        socket: {
          transports: (opts.transports ?? ["polling", "websocket"]) as ("polling" | "websocket")[],
          tryAllTransports: false,
          upgrade: opts.upgrade ?? true,
          extraHeaders: opts.extraHeaders,
          reconnection: opts.reconnection ?? true,
          reconnectionDelay: 100,
          reconnectionDelayMax: 500,
          forceNew: true,
        },
        onSocket: (socket) => {
          this.socket = socket;
          this.record(socket);
        },
      }), { payload: checkServerPayload, ack: checkServerAck, report: (problem) => this.malformed.push(problem) }),
    });
    const s = this.session;
    s.on("welcome", (w) => (this.welcome = w));
    s.on("snapshot", () => this.snapshots++);
    s.on("received", (ops) => this.received.push(...ops));
    s.on("serverError", (e) => this.errors.push(e));
    s.on("connectError", (e) => (this.connectError = e));
    s.start();
  }

  /** What arrived, as it arrived (the session reports others' drafts only; tests see everything). */
  private record(socket: ClientSocket): void {
    socket.on("snapshot", (page) => (this.catchUpBytes += JSON.stringify(page).length));
    socket.on("ops", (ops) => {
      if (this.session.head < (this.welcome?.head ?? 0)) this.catchUpBytes += JSON.stringify(ops).length;
    });
    socket.on("presence", (p) => {
      this.presenceTraffic.snapshots++;
      this.presenceTraffic.peers += p.length;
      this.presenceTraffic.bytes += JSON.stringify(p).length;
    });
    socket.on("presenceDelta", (d) => {
      this.presenceTraffic.deltas++;
      this.presenceTraffic.peers += d.joined.length;
      this.presenceTraffic.left += d.left.length;
      this.presenceTraffic.bytes += JSON.stringify(d).length;
    });
    socket.on("draft", (d) => {
      this.draftMessages++;
      this.drafts.push(d);
    });
    socket.on("drafts", (batch) => {
      this.draftMessages++;
      this.drafts.push(...batch);
    });
    socket.on("previews", (batch) => {
      this.previews.push(...batch);
    });
    socket.on("cursors", (batch) => {
      this.cursorMessages++;
      this.cursors.push(...batch);
    });
  }

  /** The confirmed board (replaced when the server rolls back). */
  get model(): BoardModel {
    return this.session.model;
  }

  /** The board's peer list as the browser keeps it: the join's snapshot, then deltas. */
  get presence(): PresenceState {
    return this.session.presence;
  }

  /** Who is on the board, as this client knows it now. */
  get peers(): Peer[] {
    return this.presence.list();
  }

  /** Resolves once this client's peer list satisfies `check` (e.g. lists a session, or has n peers). */
  async waitForPeers(check: (peers: Peer[]) => boolean, what: string, timeoutMs = 10_000): Promise<Peer[]> {
    try {
      await waitFor(() => this.presence.hasSnapshot && check(this.peers), { timeoutMs, what });
    } catch (err) {
      throw new Error(`${(err as Error).message}; the client lists ${JSON.stringify(this.peers.map((p) => `${p.name}@${p.node}`))}`);
    }
    return this.peers;
  }

  /** Resolves once connected and caught up with the head announced in `welcome`. */
  async ready(timeoutMs = 20_000): Promise<this> {
    await waitFor(() => this.session.connected && this.welcome && this.model.head >= this.welcome.head, {
      timeoutMs,
      what: `client on ${this.url} ready (${this.connectError?.message ?? "no error"})`,
    });
    return this;
  }

  /** Sends an op once and waits for its acknowledgement. */
  submit(op: BoardOp, timeoutMs = 10_000): Promise<OpAck> {
    return this.session.sendNow(op, timeoutMs);
  }

  /** Queues an op in the outbox, as the browser does: kept and resent until the server has it. */
  draw(op: BoardOp): void {
    this.session.submit(op);
  }

  /** Ops applied, as a list of visible item ids. */
  visibleIds(): string[] {
    return this.model.visibleIds();
  }

  async waitForHead(seq: number, timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.model.head >= seq, { timeoutMs, what: `head ${seq} (have ${this.model.head})` });
  }

  close(): void {
    this.session.dispose();
  }
}

export async function connect(url: string, boardId: string, opts?: BoardClientOptions): Promise<BoardClient> {
  return new BoardClient(url, boardId, opts).ready();
}

/** The clients a test file opened, closed together when it is done. */
export class ClientPool {
  private readonly open: BoardClient[] = [];

  async join(url: string, boardId: string, opts?: BoardClientOptions): Promise<BoardClient> {
    return this.add(await connect(url, boardId, opts))[0];
  }

  add(...clients: BoardClient[]): BoardClient[] {
    this.open.push(...clients);
    return clients;
  }

  closeAll(): void {
    for (const c of this.open.splice(0)) c.close();
  }
}

/**
 * A headless meshboard client for tests: the real socket.io-client speaking the
 * protocol, folding sequenced ops into a BoardModel like the browser does.
 */
import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import { BoardModel } from "../../src/shared/board-model.js";
import { z } from "zod";
import {
  PROTOCOL_VERSION,
  peerSchema,
  presenceDeltaSchema,
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
import { PresenceState } from "../../src/client/sync/presence-state.js";
import { waitFor } from "./wait.js";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface BoardClientOptions {
  clientId?: string;
  name?: string;
  lastSeq?: number;
  /** Transport names, or engine.io-client transport classes (e.g. Fetch, to observe requests). */
  transports?: ("polling" | "websocket")[] | unknown[];
  upgrade?: boolean;
  token?: string;
  extraHeaders?: Record<string, string>;
  reconnection?: boolean;
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
  readonly socket: ClientSocket;
  readonly model = new BoardModel();
  /** Every sequenced op received, in arrival order (duplicates included). */
  readonly received: SequencedOp[] = [];
  readonly errors: ProtocolError[] = [];
  /** Every draft received, batches flattened, in arrival order. */
  readonly drafts: PeerDraft[] = [];
  /** Messages that carried drafts (a `draft` or a `drafts` batch). */
  draftMessages = 0;
  /** Every cursor received, batches flattened, and the `cursors` messages that carried them. */
  readonly cursors: PeerCursor[] = [];
  cursorMessages = 0;
  welcome: Welcome | null = null;
  /** The board's peer list as the browser keeps it: the join's snapshot, then deltas (src/client/sync/presence-state.ts). */
  readonly presence = new PresenceState();
  /** Presence received: messages (snapshots, deltas), peers and leaves they carried, JSON bytes; for traffic assertions. */
  readonly presenceTraffic = { snapshots: 0, deltas: 0, peers: 0, left: 0, bytes: 0 };
  connectError: (Error & { data?: { code: string; message: string } }) | null = null;
  private pending = new Map<number, SequencedOp>();

  constructor(
    readonly url: string,
    readonly boardId: string,
    readonly opts: BoardClientOptions = {},
  ) {
    const clientId = opts.clientId ?? newId();
    this.socket = io(url, {
      path: SOCKET_PATH,
      query: { [BOARD_QUERY_PARAM]: boardId },
      auth: (cb) => cb({ protocol: PROTOCOL_VERSION, clientId, lastSeq: this.model.head, lastOpId: this.model.headOpId, name: opts.name ?? "tester", token: opts.token }),
      transports: (opts.transports ?? ["polling", "websocket"]) as ("polling" | "websocket")[],
      // Keeps cookies (the balancer's affinity cookie) across requests, like a browser.
      withCredentials: true,
      upgrade: opts.upgrade ?? true,
      extraHeaders: opts.extraHeaders,
      reconnection: opts.reconnection ?? true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
    this.socket.on("welcome", (w) => {
      this.welcome = w;
      if (w.from < this.model.head) this.reset();
    });
    this.socket.on("ops", (ops) => {
      for (const o of ops) {
        this.received.push(o);
        if (o.seq > this.model.head) this.pending.set(o.seq, o);
      }
      this.drain();
    });
    this.socket.on("presence", (p) => {
      this.checkShape("presence", z.array(peerSchema), p);
      this.presenceTraffic.snapshots++;
      this.presenceTraffic.peers += p.length;
      this.presenceTraffic.bytes += JSON.stringify(p).length;
      this.presence.snapshot(p);
    });
    this.socket.on("presenceDelta", (d) => {
      this.checkShape("presenceDelta", presenceDeltaSchema, d);
      this.presenceTraffic.deltas++;
      this.presenceTraffic.peers += d.joined.length;
      this.presenceTraffic.left += d.left.length;
      this.presenceTraffic.bytes += JSON.stringify(d).length;
      this.presence.delta(d);
    });
    this.socket.on("disconnect", () => this.presence.disconnected());
    this.socket.on("error", (e) => this.errors.push(e));
    this.socket.on("draft", (d) => {
      this.draftMessages++;
      this.drafts.push(d);
    });
    this.socket.on("cursors", (batch) => {
      this.cursorMessages++;
      this.cursors.push(...batch);
    });
    this.socket.on("drafts", (batch) => {
      this.draftMessages++;
      this.drafts.push(...batch);
    });
    this.socket.on("connect_error", (e) => (this.connectError = e as never));
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

  /** Server messages that did not match the protocol's schema (tests expect none). */
  readonly malformed: string[] = [];

  private checkShape(event: string, schema: z.ZodType, payload: unknown): void {
    const r = schema.safeParse(payload);
    if (!r.success) this.malformed.push(`${event}: ${r.error.message}`);
  }

  private drain(): void {
    let next: SequencedOp | undefined;
    while ((next = this.pending.get(this.model.head + 1))) {
      this.pending.delete(next.seq);
      this.model.apply(next);
    }
  }

  private reset(): void {
    this.model.head = 0;
    this.model.headOpId = undefined;
    this.model.items.clear();
    this.pending.clear();
  }

  /** Resolves once connected and caught up with the head announced in `welcome`. */
  async ready(timeoutMs = 20_000): Promise<this> {
    await waitFor(() => this.socket.connected && this.welcome && this.model.head >= this.welcome.head, {
      timeoutMs,
      what: `client on ${this.url} ready (${this.connectError?.message ?? "no error"})`,
    });
    return this;
  }

  /** Sends an op and waits for its acknowledgement. */
  submit(op: BoardOp, timeoutMs = 10_000): Promise<OpAck> {
    return this.socket.timeout(timeoutMs).emitWithAck("op", op);
  }

  /** Ops applied, as a list of visible item ids. */
  visibleIds(): string[] {
    return this.model.visibleIds();
  }

  async waitForHead(seq: number, timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.model.head >= seq, { timeoutMs, what: `head ${seq} (have ${this.model.head})` });
  }

  close(): void {
    this.socket.disconnect();
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

/**
 * One client's live membership of one board, with no DOM: the connection and
 * its handshake, the confirmed op stream (sequencer and catch-up), the outbox,
 * live ink on the ink clock, cursors and presence. The browser page, the test
 * helpers, the doctor and the bench's load generator all speak the protocol
 * through it (docs/protocol.md, "Headless client").
 *
 * Build it, attach listeners with `on`, then `start()`: nothing is emitted
 * before `start()`, so no listener can miss an event or hear one too early.
 */
import type { BoardModel } from "../board-model.js";
import type {
  BoardOp,
  Cursor,
  Draft,
  InkClock,
  OpAck,
  Peer,
  PeerCursor,
  PeerDraft,
  PeerPreview,
  Preview,
  ProtocolError,
  SequencedOp,
  SnapshotItem,
  SnapshotPage,
  SyncResult,
  Welcome,
} from "../protocol.js";
import { HANDSHAKE_ERRORS, LIMITS, OP_ACK_TIMEOUT_MS, PROTOCOL_VERSION } from "../protocol-constants.js";
import { randomId } from "../ids.js";
import { ClockSync, type ClockReading as ClockEstimate } from "./clock-sync.js";
import { Emitter } from "./emitter.js";
import { InkPacer } from "./ink-pacer.js";
import { OpSequencer } from "./op-sequencer.js";
import { Outbox, type OpTransport, type OutboxOptions, type OutboxState } from "./outbox.js";
import { PresenceState } from "./presence-state.js";
import { memoryStorage, type KeyValueStorage } from "./storage.js";
import { soleTab, type TabPresence } from "./tab-presence.js";
import type { BoardWire, WireFactory } from "./wire.js";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline" | "refused";

/** Whether the device has a network at all (the browser's navigator.onLine and its events). */
export interface NetworkProbe {
  online(): boolean;
  /** Calls `fn` when it may have changed; returns the unsubscribe. */
  watch(fn: () => void): () => void;
}

export type SessionEvents = {
  status: ConnectionStatus;
  welcome: Welcome;
  /** The server does not have the history this client applied: the board is reloaded from `from`. `clientHead` is the seq the client resumed from (its handshake's `lastSeq`). */
  rollback: { from: number; serverHead: number; clientHead: number };
  /** The board was replaced by a compacted board's snapshot (its items at `seq`). */
  snapshot: { seq: number; items: number };
  /** Sequenced ops as they came (live batches and catch-up pages), before ordering. */
  received: SequencedOp[];
  /** Ops applied to the confirmed board, in seq order. */
  applied: SequencedOp[];
  /** What is displayed may have changed (ops applied, outbox changed, board reset). */
  boardChanged: void;
  /** Who is on the board (after a snapshot, or a delta that changed something). */
  presence: Peer[];
  /** Other members' live ink of one message (this session's own left out; may be empty). */
  drafts: PeerDraft[];
  /** Other members' live previews of one message, in order (this session's own left out; may be empty). */
  previews: PeerPreview[];
  /** Other members' cursors of one message (this session's own left out; may be empty). */
  cursors: PeerCursor[];
  /** Unsent work: count, adopted, why it waits. */
  outbox: OutboxState;
  acked: { op: BoardOp; seq: number };
  /** The server refused an op for good (it was dropped). */
  rejected: { op: BoardOp; error: ProtocolError };
  /** Ops adopted from a tab that is gone. */
  adopted: BoardOp[];
  /** The server refused the handshake for good (see HANDSHAKE_ERRORS). */
  refused: { code: string; message: string };
  connectError: Error & { data?: { code?: string; message?: string } };
  disconnected: string;
  /** The serving node is shutting down (the socket reconnects to another). */
  drain: { node: string };
  /** An `error` event from the server. */
  serverError: ProtocolError;
  /** The head is behind a known seq: a `sync` page was asked for. */
  catchUp: number;
  /** Something the person should know about, in plain words. */
  problem: { message: string; kind: "error" | "info" };
};

export interface SessionOptions {
  boardId: string;
  /** This client's stored id, sent in every handshake (a server-issued `welcome.self.clientId` takes over). */
  clientId: string;
  name: string;
  /** Access token of the page's link (access control on). */
  token?: string;
  wire: WireFactory;
  /** Where unsent ops live (default: memory). */
  storage?: KeyValueStorage;
  /** Which other tabs are alive (default: none). */
  tabs?: TabPresence;
  /** This tab's id, stable across its reloads (default: random). */
  tabId?: string;
  network?: NetworkProbe;
  /** Send live ink on the server's ink clock (default true; false: at once). */
  inkClock?: boolean;
  /**
   * Fold the sequenced ops into a board (default true). A load generator that
   * only draws and watches ink turns it off: ops are still reported
   * (`received`), the outbox is confirmed by acks alone, and no catch-up is asked.
   */
  followBoard?: boolean;
  ackTimeoutMs?: number;
  outbox?: Pick<OutboxOptions, "retry" | "window" | "random">;
}

const SYNC_TIMEOUT_MS = 10_000;
const CLOCK_TIMEOUT_MS = 5_000;
/** Failed reconnect attempts after which we call it "offline" rather than "reconnecting". */
const OFFLINE_AFTER_ATTEMPTS = 4;

export class BoardSession extends Emitter<SessionEvents> {
  readonly boardId: string;
  readonly sequencer: OpSequencer;
  readonly outbox: Outbox;
  readonly presence = new PresenceState();
  private wire: BoardWire | null = null;
  /** Live ink waits for the ink clock's next tick. */
  private readonly ink = new InkPacer(
    (d) => {
      if (this.connected) this.wire?.send("draft", d, true);
    },
    undefined,
    (p) => {
      if (this.connected) this.wire?.send("preview", p, true);
    },
  );
  private readonly clock = new ClockSync(
    () =>
      new Promise((resolve, reject) => {
        const sentAt = Date.now();
        const wire = this.wire;
        if (!wire) return reject(new Error("not connected"));
        wire.call("clock", {}, CLOCK_TIMEOUT_MS, (err, r) => {
          if (err || !r) return reject(err ?? new Error("no answer"));
          // A refusal (rate_limited) is no reading.
          if (!("now" in r)) return reject(new Error(r.error.message));
          // The node's tick follows its ink work: the newest answer (or `ink` event) says what it is now.
          if (r.ink && this.inkClock) this.inkClock = r.ink;
          resolve({ sentAt, serverNow: r.now, receivedAt: Date.now() });
        });
      }),
    (best) => this.followInkClock(best),
  );
  /** The node's ink clock as last announced (welcome, `ink` events, clock answers). */
  private inkClock: InkClock | null = null;
  private welcomed: Welcome | null = null;
  /** The `lastSeq` of the latest handshake: where this connection asked to resume. */
  private resumedFrom = 0;
  /** Live ops this connection brought before its welcome: applied once the welcome says which history they follow. */
  private beforeWelcome: SequencedOp[] = [];
  private syncing = false;
  /** Pages of a snapshot being received. */
  private snapshotIn: { seq: number; items: SnapshotItem[] } | null = null;
  private failedAttempts = 0;
  private currentStatus: ConnectionStatus = "connecting";
  private name: string;
  private readonly unwatchNetwork: Array<() => void> = [];
  private readonly following: boolean;
  private disposed = false;

  constructor(private readonly opts: SessionOptions) {
    super();
    this.boardId = opts.boardId;
    this.name = opts.name;
    this.following = opts.followBoard !== false;
    this.sequencer = new OpSequencer({
      applied: (ops) => this.onApplied(ops),
      behind: (since) => this.catchUp(since),
    });
    this.outbox = new Outbox({
      boardId: opts.boardId,
      storage: opts.storage ?? memoryStorage(),
      tabs: opts.tabs ?? soleTab,
      tabId: opts.tabId ?? randomId(10),
      ...opts.outbox,
    });
    this.outbox.on("changed", (s) => {
      this.emit("outbox", s);
      this.emit("boardChanged");
    });
    this.outbox.on("acked", (a) => {
      this.emit("acked", a);
      // The board reaches at least this seq: should its broadcast go missing, the gap timer catches up.
      if (this.following) this.sequencer.expect(a.seq);
    });
    this.outbox.on("rejected", (r) => {
      this.emit("rejected", r);
      this.emit("problem", { message: rejectionMessage(r.op, r.error), kind: "error" });
    });
    this.outbox.on("adopted", (ops) => this.emit("adopted", ops));
  }

  /** Restores and adopts unsent work, then connects. */
  start(): this {
    if (this.wire || this.disposed) return this;
    this.outbox.start();
    const network = this.opts.network;
    if (network) this.unwatchNetwork.push(network.watch(this.onNetworkChange));
    this.wire = this.opts.wire(() => {
      this.resumedFrom = this.sequencer.head;
      this.beforeWelcome = [];
      return {
        protocol: PROTOCOL_VERSION,
        clientId: this.opts.clientId,
        lastSeq: this.resumedFrom,
        lastOpId: this.sequencer.model.headOpId,
        name: this.name,
        ...(this.opts.token === undefined ? {} : { token: this.opts.token }),
      };
    });
    this.listen(this.wire);
    return this;
  }

  /** This client's id: the one the server vouches for (`welcome.self`), else the stored one. */
  get clientId(): string {
    return this.welcomed?.self?.clientId ?? this.lastSelf ?? this.opts.clientId;
  }

  private lastSelf: string | undefined;

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Welcomed and the connection is up: events sent now reach the board. */
  get connected(): boolean {
    return this.welcomed !== null && this.wire?.connected === true;
  }

  get welcome(): Welcome | null {
    return this.welcomed;
  }

  get node(): string | null {
    return this.welcomed?.node ?? null;
  }

  get sessionId(): string | null {
    return this.welcomed?.sessionId ?? null;
  }

  get readOnly(): boolean {
    return this.welcomed?.readOnly ?? false;
  }

  get model(): BoardModel {
    return this.sequencer.model;
  }

  get head(): number {
    return this.sequencer.head;
  }

  /** Queues a durable op (displayed at once, from the outbox, until confirmed). */
  submit(op: BoardOp): void {
    // Ink still waiting for its tick leaves now rather than after the stroke's `add`
    // (peers ignore drafts of items they have, whichever arrives first).
    this.ink.flush();
    this.outbox.push(op);
  }

  /**
   * Sends one op once, outside the outbox, and resolves with its ack: for probes
   * and tests that study the server's answer itself. Work people make goes
   * through `submit`.
   */
  sendNow(op: BoardOp, timeoutMs = this.opts.ackTimeoutMs ?? OP_ACK_TIMEOUT_MS): Promise<OpAck> {
    return new Promise((resolve, reject) => {
      if (!this.wire) return reject(new Error("session not started"));
      this.wire.call("op", op, timeoutMs, (err, ack) => (err || !ack ? reject(err ?? new Error("no ack")) : resolve(ack)));
    });
  }

  /** In-progress ink: on the ink clock's next tick; volatile, dropped while disconnected. */
  sendDraft(d: Draft): void {
    if (this.connected) this.ink.push(d);
  }

  /** A live preview (shape, move, text, selection, or a clear): on the ink clock's next tick; volatile. */
  sendPreview(p: Preview): void {
    if (this.connected) this.ink.pushPreview(p);
  }

  sendCursor(c: Cursor): void {
    if (this.connected) this.wire?.send("cursor", c, true);
  }

  setName(name: string): void {
    this.name = name;
    if (this.connected) this.wire?.send("profile", { name });
  }

  dispose(): void {
    this.disposed = true;
    for (const u of this.unwatchNetwork.splice(0)) u();
    this.clock.stop();
    this.ink.drop();
    this.sequencer.dispose();
    this.outbox.dispose();
    this.wire?.close();
  }

  private listen(w: BoardWire): void {
    w.on("welcome", (welcome) => this.onWelcome(welcome));
    w.on("ops", (batch) => {
      this.emit("received", batch);
      if (!this.following) return;
      if (this.welcomed) this.sequencer.receive(batch);
      else this.beforeWelcome.push(...batch);
    });
    w.on("snapshot", (page) => this.onSnapshotPage(page));
    // Batches may hold this session's own drafts (a busy board) and cursor: shown already.
    w.on("draft", (d) => this.emit("drafts", d.sessionId === this.sessionId ? [] : [d]));
    w.on("drafts", (batch) => this.emit("drafts", batch.filter((d) => d.sessionId !== this.sessionId)));
    w.on("previews", (batch) => this.emit("previews", batch.filter((p) => p.sessionId !== this.sessionId)));
    w.on("cursors", (batch) => this.emit("cursors", batch.filter((c) => c.sessionId !== this.sessionId)));
    // The whole list once per connection, then deltas (held until the list has come).
    w.on("presence", (peers) => {
      this.presence.snapshot(peers);
      this.emit("presence", this.presence.list());
    });
    w.on("presenceDelta", (delta) => {
      if (this.presence.delta(delta)) this.emit("presence", this.presence.list());
    });
    w.on("error", (e) => {
      this.emit("serverError", e);
      this.emit("problem", { message: e.message || e.code, kind: "error" });
    });
    w.on("drain", (info) => this.emit("drain", info));
    // The node's tick changed: ink follows it from now on (from the next tick, when the clock has a reading).
    w.on("ink", (clock) => {
      if (!this.inkClock) return;
      this.inkClock = clock;
      this.followInkClock(this.clock.best);
    });
    w.on("disconnect", (reason) => {
      this.welcomed = null;
      this.inkClock = null;
      this.presence.disconnected();
      this.syncing = false;
      this.ink.drop();
      this.clock.stop();
      this.outbox.detach();
      this.emit("disconnected", reason);
      this.setStatus(this.networkDown() ? "offline" : "reconnecting");
    });
    w.on("connect_error", (err) => this.onConnectError(err));
    w.on("reconnect_attempt", (attempt) => {
      this.failedAttempts = attempt;
      if (this.currentStatus !== "connected") this.setStatus(this.disconnectedStatus());
    });
  }

  private onWelcome(w: Welcome): void {
    this.failedAttempts = 0;
    // The node joins the socket to the board's room before it reads the head, so live
    // ops may come ahead of the welcome, past `from` and `head`: they wait in
    // beforeWelcome until the welcome says whether our history is the board's.
    if (w.from < this.resumedFrom) {
      // The server does not have the history we applied (the board was reset, or its
      // store lost operations and reused their seqs): start over from `from` (0).
      this.emit("rollback", { from: w.from, serverHead: w.head, clientHead: this.resumedFrom });
      this.sequencer.reset();
      this.emit("boardChanged");
      // A board compacted past our history comes back as its snapshot: nothing to say.
      // (The node cannot tell then whether that history was also lost: it no longer has it.)
      const compacted = (w.snapshot ?? 0) > this.resumedFrom;
      if (!compacted) this.emit("problem", { message: "The board was reset on the server; reloading it.", kind: "info" });
    }
    this.welcomed = w;
    // Either way they are the board's: the catch-up stops at `head`, and they may lie past it.
    const early = this.beforeWelcome;
    this.beforeWelcome = [];
    if (early.length) this.sequencer.receive(early);
    this.inkClock = w.ink;
    if (w.self?.clientId) this.lastSelf = w.self.clientId;
    this.setStatus("connected");
    this.emit("welcome", w);
    this.outbox.attach(this.transport());
    // Catch-up pages from `from` follow the welcome on their own.
    if (this.following) this.sequencer.expect(w.head);
    // Follow the server's clock for this session; until its first reading, ink is sent at once.
    this.ink.setClock(null);
    if (this.opts.inkClock !== false) this.clock.start();
  }

  /** Paces ink on the node's clock as last announced, placed by the trusted clock reading (none yet: at once). Ink leaves a trip early, so that it reaches the node on the tick. */
  private followInkClock(best: ClockEstimate | null): void {
    if (this.inkClock && best) this.ink.setClock(this.inkClock, best.offsetMs, best.tripMs);
  }

  /** Collects a snapshot's pages; the last one replaces the board (protocol.md, "Compaction"). */
  private onSnapshotPage(page: SnapshotPage): void {
    let collected = this.snapshotIn;
    if (collected?.seq !== page.seq) collected = this.snapshotIn = { seq: page.seq, items: [] };
    collected.items.push(...page.items);
    if (!page.last) return;
    const { items } = collected;
    this.snapshotIn = null;
    if (!this.following) return;
    this.sequencer.load(page.seq, page.opId, items);
    this.emit("snapshot", { seq: page.seq, items: items.length });
    this.emit("boardChanged");
  }

  private transport(): OpTransport {
    const wire = this.wire!;
    const timeout = this.opts.ackTimeoutMs ?? OP_ACK_TIMEOUT_MS;
    return { send: (op, done) => wire.call("op", op, timeout, done) };
  }

  /** Pages through `sync` until the head catches up with the board. */
  private catchUp(since: number): void {
    const wire = this.wire;
    if (this.syncing || !this.connected || !wire) return;
    this.syncing = true;
    this.emit("catchUp", since);
    wire.call("sync", { since }, SYNC_TIMEOUT_MS, (err, res) => {
      this.syncing = false;
      if (err || !res) return; // the gap timer asks again
      if ("error" in res) {
        this.emit("problem", { message: `Catch-up failed: ${res.error.message}`, kind: "error" });
        return;
      }
      const page: SyncResult = res;
      // The ops asked for were folded into a snapshot: a new session's catch-up brings it.
      if (page.snapshot !== undefined) return wire.reconnect?.();
      this.emit("received", page.ops);
      this.sequencer.receive(page.ops);
      this.sequencer.expect(page.head);
      if (page.more && this.sequencer.head > since) this.catchUp(this.sequencer.head);
    });
  }

  private onApplied(ops: SequencedOp[]): void {
    const self = this.clientId;
    for (const s of ops) if (s.author === self) this.outbox.confirm(s.op.opId);
    this.emit("applied", ops);
    this.emit("boardChanged");
  }

  private onConnectError(err: SessionEvents["connectError"]): void {
    this.emit("connectError", err);
    if (this.wire?.active) {
      // A transport failure: Socket.IO keeps retrying on its own.
      this.setStatus(this.disconnectedStatus());
      return;
    }
    // The server refused the handshake for good (a node that is merely not ready
    // answers 403 at the transport instead, which Socket.IO retries by itself).
    const code = err.message;
    this.setStatus("refused");
    this.emit("refused", { code, message: err.data?.message ?? code });
    this.emit("problem", { message: refusalMessage(code), kind: "error" });
  }

  private readonly onNetworkChange = (): void => {
    if (this.currentStatus === "connected" || this.currentStatus === "refused") return;
    this.setStatus(this.disconnectedStatus());
  };

  private disconnectedStatus(): ConnectionStatus {
    return this.networkDown() || this.failedAttempts >= OFFLINE_AFTER_ATTEMPTS ? "offline" : "reconnecting";
  }

  private networkDown(): boolean {
    return this.opts.network ? !this.opts.network.online() : false;
  }

  private setStatus(s: ConnectionStatus): void {
    if (s === this.currentStatus) return;
    this.currentStatus = s;
    this.emit("status", s);
  }
}

function refusalMessage(code: string): string {
  switch (code) {
    case HANDSHAKE_ERRORS.protocolMismatch:
      return "meshboard was updated. Reload the page to keep drawing.";
    case HANDSHAKE_ERRORS.invalidBoard:
      return "This board address is not valid.";
    case HANDSHAKE_ERRORS.forbidden:
      return "You don't have access to this board.";
    default:
      return `Could not join the board (${code}).`;
  }
}

/** What an op did, in words ("stroke", "text", "move"), for messages. */
function describeOp(op: BoardOp): string {
  if (op.type !== "add") return op.type;
  return op.item.kind === "shape" ? op.item.shape : op.item.kind;
}

function rejectionMessage(op: BoardOp, error: ProtocolError): string {
  const what = describeOp(op);
  switch (error.code) {
    case "board_full":
      return `This board is full (it holds at most ${LIMITS.maxItemsPerBoard.toLocaleString("en")} items): the ${what} was not saved.`;
    case "read_only":
      return "This board is view-only.";
    case "too_large":
      return `That ${what} was too large to save.`;
    default:
      return `The server refused a ${what}: ${error.message || error.code}`;
  }
}

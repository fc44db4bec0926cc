/**
 * This browser's live membership of one board: the socket, the confirmed op
 * stream, the outbox's transport, catch-up, and the ephemeral traffic (drafts,
 * cursors, presence), reported to the app through a listener.
 */
import type {
  BoardOp,
  Cursor,
  Draft,
  Peer,
  PeerCursor,
  PeerDraft,
  ProtocolError,
  SequencedOp,
  SyncResult,
  Welcome,
} from "../../shared/protocol.js";
import { HANDSHAKE_ERRORS, LIMITS, PROTOCOL_VERSION } from "../../shared/protocol-constants.js";
import { ClockSync } from "./clock-sync.js";
import { InkPacer } from "./ink-pacer.js";
import { OpSequencer } from "./op-sequencer.js";
import { Outbox, type OpTransport } from "./outbox.js";
import { PresenceState } from "./presence-state.js";
import { openBoardSocket, type BoardSocket } from "./socket.js";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline" | "refused";

export interface SessionListener {
  /** The displayed board may have changed (confirmed ops applied, outbox changed, reset). */
  boardChanged(): void;
  /** Ops were applied to the confirmed board, in seq order. */
  opsApplied(ops: SequencedOp[]): void;
  status(status: ConnectionStatus): void;
  welcome(w: Welcome): void;
  /** Who is on the board now (after a snapshot, or a delta that changed something). */
  presence(peers: Peer[]): void;
  /** Another member's live ink (never this session's own). */
  draft(d: PeerDraft): void;
  /** Another member's cursor moved or left (never this session's own). */
  cursor(c: PeerCursor): void;
  /** Something the person should know about (shown as a toast). */
  problem(message: string, kind?: "error" | "info"): void;
}

const OP_ACK_TIMEOUT_MS = 10_000;
const SYNC_TIMEOUT_MS = 10_000;
const CLOCK_TIMEOUT_MS = 5_000;
/** Failed reconnect attempts after which we call it "offline" rather than "reconnecting". */
const OFFLINE_AFTER_ATTEMPTS = 4;

export class BoardSession {
  readonly sequencer: OpSequencer;
  readonly outbox: Outbox;
  readonly presence = new PresenceState();
  private readonly socket: BoardSocket;
  /** Live ink waits for the ink clock's next tick. */
  private readonly ink = new InkPacer((d) => {
    if (this.welcomed && this.socket.connected) this.socket.volatile.emit("draft", d);
  });
  private welcomed: Welcome | null = null;
  private readonly clock = new ClockSync(
    () => {
      const sentAt = Date.now();
      return this.socket
        .timeout(CLOCK_TIMEOUT_MS)
        .emitWithAck("clock", {})
        .then((r) => ({ sentAt, serverNow: r.now, receivedAt: Date.now() }));
    },
    // Ink leaves a trip early, so that it reaches the node on the tick.
    ({ offsetMs, tripMs }) => this.welcomed && this.ink.setClock(this.welcomed.ink, offsetMs, tripMs),
  );
  private syncing = false;
  private failedAttempts = 0;
  private currentStatus: ConnectionStatus = "connecting";
  private name: string;

  constructor(
    readonly boardId: string,
    readonly clientId: string,
    name: string,
    private readonly listener: SessionListener,
    /** Access token of the page's link (access control on), sent in every handshake. */
    private readonly token?: string,
  ) {
    this.name = name;
    this.sequencer = new OpSequencer({
      applied: (ops) => this.onApplied(ops),
      behind: (since) => this.catchUp(since),
    });
    this.outbox = new Outbox(boardId, {
      changed: () => listener.boardChanged(),
      rejected: (op, error) => listener.problem(rejectionMessage(op, error)),
    });
    this.socket = openBoardSocket(boardId, () => ({
      protocol: PROTOCOL_VERSION,
      clientId: this.clientId,
      lastSeq: this.sequencer.head,
      lastOpId: this.sequencer.model.headOpId,
      name: this.name,
      ...(this.token === undefined ? {} : { token: this.token }),
    }));
    this.listen();
    addEventListener("online", this.onNetworkChange);
    addEventListener("offline", this.onNetworkChange);
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
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

  /** Queues a durable op (rendered optimistically by the caller's next frame). */
  submit(op: BoardOp): void {
    // Ink still waiting for its tick leaves now rather than after the stroke's `add`
    // (peers ignore drafts of items they have, whichever arrives first).
    this.ink.flush();
    this.outbox.push(op);
  }

  /** In-progress ink: sent on the ink clock's next tick; volatile, dropped rather than queued while disconnected. */
  sendDraft(d: Draft): void {
    if (this.welcomed && this.socket.connected) this.ink.push(d);
  }

  sendCursor(c: Cursor): void {
    if (this.welcomed && this.socket.connected) this.socket.volatile.emit("cursor", c);
  }

  setName(name: string): void {
    this.name = name;
    if (this.welcomed && this.socket.connected) this.socket.emit("profile", { name });
  }

  dispose(): void {
    removeEventListener("online", this.onNetworkChange);
    removeEventListener("offline", this.onNetworkChange);
    this.clock.stop();
    this.sequencer.dispose();
    this.outbox.dispose();
    this.socket.disconnect();
  }

  private listen(): void {
    const s = this.socket;
    s.on("welcome", (w) => this.onWelcome(w));
    s.on("ops", (batch) => this.sequencer.receive(batch));
    // Batches may hold this session's own drafts (a busy board) and cursor: shown already.
    s.on("draft", (d) => d.sessionId !== this.sessionId && this.listener.draft(d));
    s.on("drafts", (batch) => {
      for (const d of batch) if (d.sessionId !== this.sessionId) this.listener.draft(d);
    });
    s.on("cursors", (batch) => {
      for (const c of batch) if (c.sessionId !== this.sessionId) this.listener.cursor(c);
    });
    // The whole list once per connection, then deltas (held until the list has come).
    s.on("presence", (peers) => {
      this.presence.snapshot(peers);
      this.listener.presence(this.presence.list());
    });
    s.on("presenceDelta", (delta) => {
      if (this.presence.delta(delta)) this.listener.presence(this.presence.list());
    });
    s.on("error", (e) => this.listener.problem(e.message || e.code));
    // The server is draining: Socket.IO reconnects by itself, to another node.
    s.on("drain", () => undefined);
    s.on("disconnect", () => {
      this.welcomed = null;
      this.presence.disconnected();
      this.syncing = false;
      this.ink.drop();
      this.clock.stop();
      this.outbox.detach();
      this.setStatus(this.networkDown() ? "offline" : "reconnecting");
    });
    s.on("connect_error", (err) => this.onConnectError(err));
    s.io.on("reconnect_attempt", (attempt) => {
      this.failedAttempts = attempt;
      if (this.currentStatus !== "connected") this.setStatus(this.disconnectedStatus());
    });
  }

  private onWelcome(w: Welcome): void {
    this.failedAttempts = 0;
    const reset = w.from < this.sequencer.head;
    if (reset) {
      // The server does not have the history we applied (the board was reset, or its
      // store lost operations and reused their seqs): start over from `from` (0).
      this.sequencer.reset();
      this.listener.boardChanged();
      this.listener.problem("The board was reset on the server; reloading it.", "info");
    }
    this.welcomed = w;
    this.setStatus("connected");
    this.listener.welcome(w);
    this.outbox.attach(this.transport());
    // Catch-up pages from `from` follow the welcome on their own.
    this.sequencer.expect(w.head);
    // Follow the server's clock for this session; until its first reading, ink is sent at once.
    this.ink.setClock(null);
    this.clock.start();
  }

  private transport(): OpTransport {
    const socket = this.socket;
    const session = this.welcomed;
    return {
      get ready() {
        return socket.connected && session !== null;
      },
      send: (op, done) => {
        socket.timeout(OP_ACK_TIMEOUT_MS).emit("op", op, (err, ack) => done(err ?? null, ack));
      },
    };
  }

  /** Pages through `sync` until the head catches up with the board. */
  private catchUp(since: number): void {
    if (this.syncing || !this.welcomed || !this.socket.connected) return;
    this.syncing = true;
    this.socket.timeout(SYNC_TIMEOUT_MS).emit("sync", { since }, (err, res) => {
      this.syncing = false;
      if (err || !res) return; // the gap timer asks again
      if ("error" in res) {
        this.listener.problem(`Catch-up failed: ${res.error.message}`);
        return;
      }
      const page: SyncResult = res;
      this.sequencer.receive(page.ops);
      this.sequencer.expect(page.head);
      if (page.more && this.sequencer.head > since) this.catchUp(this.sequencer.head);
    });
  }

  private onApplied(ops: SequencedOp[]): void {
    for (const s of ops) if (s.author === this.clientId) this.outbox.confirm(s.op.opId);
    this.listener.opsApplied(ops);
    this.listener.boardChanged();
  }

  private onConnectError(err: Error): void {
    if (this.socket.active) {
      // A transport failure: Socket.IO keeps retrying on its own.
      this.setStatus(this.disconnectedStatus());
      return;
    }
    // The server refused the handshake for good (a node that is merely not ready
    // answers 403 at the transport instead, which Socket.IO retries by itself).
    const code = err.message;
    this.setStatus("refused");
    this.listener.problem(refusalMessage(code));
  }

  private readonly onNetworkChange = (): void => {
    if (this.currentStatus === "connected" || this.currentStatus === "refused") return;
    this.setStatus(this.disconnectedStatus());
  };

  private disconnectedStatus(): ConnectionStatus {
    return this.networkDown() || this.failedAttempts >= OFFLINE_AFTER_ATTEMPTS ? "offline" : "reconnecting";
  }

  private networkDown(): boolean {
    return typeof navigator !== "undefined" && navigator.onLine === false;
  }

  private setStatus(s: ConnectionStatus): void {
    if (s === this.currentStatus) return;
    this.currentStatus = s;
    this.listener.status(s);
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

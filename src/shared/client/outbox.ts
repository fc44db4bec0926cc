/**
 * Durable operations this client has made and the server has not yet confirmed.
 *
 * Every op is kept, in order, until the server acknowledges it (or it shows up
 * in the sequenced stream with its opId), in an injected storage so that a
 * reload, a crash or a closed tab loses nothing; a page of the same board
 * adopts the records of tabs that are gone (TabPresence). The server
 * deduplicates by opId, so a resend never duplicates anything. When storage
 * refuses the record (quota, storage turned off), the state says so (`stored`),
 * so the page can warn and ask before it is closed.
 *
 * Sending rules (docs/protocol.md, "Headless client"):
 * - ops leave in order, at most `window` unanswered at once;
 * - a transient refusal (rate_limited, storage_unavailable, storage_full, …) or
 *   a missing ack puts that op in backoff (1 s, 2 s, 4 s … 15 s, jittered) and
 *   shrinks the window to one: nothing behind it leaves before it (a new op
 *   never jumps the queue nor wakes an op early), and each op is resent once per
 *   backoff step; acks grow the window back, so a backlog drains at the rate the
 *   server accepts;
 * - a new session resends everything unconfirmed exactly once (backoff reset).
 */
import type { BoardOp, ErrorCode, OpAck, ProtocolError } from "../protocol.js";
import { TRANSIENT_ERRORS } from "../protocol-constants.js";
import { randomId } from "../ids.js";
import { Emitter } from "./emitter.js";
import type { KeyValueStorage } from "./storage.js";
import { isLeaseKey, type TabPresence } from "./tab-presence.js";

/** How the outbox reaches the server; null between sessions. */
export interface OpTransport {
  /** Sends one op; `done` gets the ack, or an error when none came in time. */
  send(op: BoardOp, done: (err: Error | null, ack?: OpAck) => void): void;
}

/** Why ops are waiting, for the person (the badge): null when nothing holds them back. */
export type HoldReason = ErrorCode | "timeout" | null;

export interface OutboxState {
  /** Ops not yet confirmed. */
  unsent: number;
  /** Of those, ops adopted from tabs that are gone. */
  adopted: number;
  /** Set while an op waits out a backoff: the refusal (or missing ack) that caused it. */
  held: HoldReason;
  /**
   * False while the unsent ops could not be written to storage (quota, storage
   * turned off): until they are sent, a reload or a closed tab would lose them.
   */
  stored: boolean;
}

export type OutboxEvents = {
  /** The pending list or its state changed: re-render, update the badge. */
  changed: OutboxState;
  /** The server accepted an op (its ack). */
  acked: { op: BoardOp; seq: number };
  /** The server refused an op for good; it has been dropped. */
  rejected: { op: BoardOp; error: ProtocolError };
  /** Ops taken over from a tab that is gone. */
  adopted: BoardOp[];
};

export interface OutboxOptions {
  boardId: string;
  storage: KeyValueStorage;
  tabs: TabPresence;
  /** This tab's id (stable across reloads of the tab), part of its storage key. */
  tabId: string;
  retry?: { baseMs?: number; maxMs?: number };
  /** Most ops awaiting an answer at once. */
  window?: number;
  /** 0..1, for the backoff's jitter (tests pass a constant). */
  random?: () => number;
}

export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 15_000;
export const SEND_WINDOW = 32;
const KEY_PREFIX = "meshboard:outbox:";

/**
 * Refusals worth retrying: the server's transient ones, plus `internal` (the
 * server failed, not the op: a later try may succeed).
 */
export function isRetryable(code: string): boolean {
  return TRANSIENT_ERRORS.has(code as ErrorCode) || code === "internal";
}

interface Entry {
  op: BoardOp;
  adopted: boolean;
  /** Sends so far that earned a backoff (refused or unanswered). */
  attempts: number;
  /** Not before this time (ms since the epoch); 0: now. */
  dueAt: number;
  /** The send awaiting an answer, or null. */
  flight: object | null;
}

export class Outbox extends Emitter<OutboxEvents> {
  private entries: Entry[] = [];
  private transport: OpTransport | null = null;
  private window: number;
  private held: HoldReason = null;
  /** Whether the last write of this tab's record succeeded (nothing to write counts as stored). */
  private stored = true;
  /** Gone tabs' records adopted while ours could not be written: removed once ours holds their ops. */
  private readonly retained = new Set<string>();
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly key: string;
  private readonly prefix: string;
  private readonly unwatch: Array<() => void> = [];
  private readonly watched = new Set<string>();
  private started = false;
  private disposed = false;
  private readonly maxWindow: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(private readonly opts: OutboxOptions) {
    super();
    this.prefix = `${KEY_PREFIX}${opts.boardId}:`;
    this.key = `${this.prefix}${opts.tabId}`;
    this.maxWindow = opts.window ?? SEND_WINDOW;
    this.window = this.maxWindow;
    this.baseMs = opts.retry?.baseMs ?? RETRY_BASE_MS;
    this.maxMs = opts.retry?.maxMs ?? RETRY_MAX_MS;
    this.random = opts.random ?? Math.random;
  }

  /**
   * Loads this tab's own record (a reload keeps the tab id), claims it, and
   * adopts the records of tabs that are gone; later ones are adopted the moment
   * their tab goes. Listeners are attached before this: nothing is emitted earlier.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { storage, tabs } = this.opts;
    tabs.claim(this.key);
    const own = parseRecord(storage.read(this.key));
    for (const op of own) this.add(op, false);
    this.persist();
    if (own.length) this.changed();
    for (const key of storage.keys(this.prefix)) this.consider(key);
    if (storage.watch) this.unwatch.push(storage.watch(this.prefix, (key) => this.consider(key)));
  }

  /** Pending ops, oldest first (rendered on top of the confirmed board). */
  ops(): BoardOp[] {
    return this.entries.map((e) => e.op);
  }

  get size(): number {
    return this.entries.length;
  }

  state(): OutboxState {
    let adopted = 0;
    for (const e of this.entries) if (e.adopted) adopted++;
    return { unsent: this.entries.length, adopted, held: this.entries.length ? this.held : null, stored: this.stored };
  }

  has(opId: string): boolean {
    return this.entries.some((e) => e.op.opId === opId);
  }

  /** Queues a new op; it leaves when everything before it has (never ahead of a backoff). */
  push(op: BoardOp): void {
    this.add(op, false);
    this.persist();
    this.changed();
    this.pump();
  }

  /** A session is ready: everything unconfirmed is sent again, once, in order. */
  attach(transport: OpTransport): void {
    this.transport = transport;
    this.window = this.maxWindow;
    this.held = null;
    for (const e of this.entries) {
      e.flight = null;
      e.attempts = 0;
      e.dueAt = 0;
    }
    this.pump();
    this.changed();
  }

  /** The session ended: answers still due belong to it and are ignored. */
  detach(): void {
    this.transport = null;
    for (const e of this.entries) e.flight = null;
    this.sleep();
  }

  /** The op reached the board (acked, or seen in the sequenced stream). */
  confirm(opId: string): void {
    const i = this.entries.findIndex((e) => e.op.opId === opId);
    if (i < 0) return;
    this.entries.splice(i, 1);
    if (!this.entries.some((e) => e.attempts > 0)) this.held = null;
    this.persist();
    this.changed();
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.detach();
    for (const u of this.unwatch.splice(0)) u();
    this.opts.tabs.release();
  }

  private add(op: BoardOp, adopted: boolean): boolean {
    if (this.has(op.opId)) return false;
    this.entries.push({ op, adopted, attempts: 0, dueAt: 0, flight: null });
    return true;
  }

  /** Sends what may leave now: in order, within the window, stopping at the first op still in backoff. */
  private pump(): void {
    const t = this.transport;
    if (!t || this.disposed) return;
    const now = Date.now();
    let inFlight = 0;
    for (const e of this.entries) if (e.flight) inFlight++;
    for (const e of this.entries) {
      if (e.flight) continue;
      if (e.dueAt > now) {
        this.wakeAt(e.dueAt);
        return;
      }
      if (inFlight >= this.window) return;
      inFlight++;
      this.sendEntry(e, t);
    }
  }

  private sendEntry(e: Entry, t: OpTransport): void {
    const flight = {};
    e.flight = flight;
    t.send(e.op, (err, ack) => {
      // Confirmed meanwhile, or an answer from an older session / an earlier send.
      if (e.flight !== flight || this.transport !== t) return;
      e.flight = null;
      if (err || !ack) return this.backOff(e, "timeout");
      if (ack.ok) {
        this.window = Math.min(this.window * 2, this.maxWindow);
        this.emit("acked", { op: e.op, seq: ack.seq });
        this.confirm(e.op.opId);
        return;
      }
      if (isRetryable(ack.error.code)) return this.backOff(e, ack.error.code);
      this.entries.splice(this.entries.indexOf(e), 1);
      this.persist();
      this.changed();
      this.emit("rejected", { op: e.op, error: ack.error });
      this.pump();
    });
  }

  private backOff(e: Entry, reason: HoldReason): void {
    e.attempts++;
    const step = Math.min(this.baseMs * 2 ** (e.attempts - 1), this.maxMs);
    e.dueAt = Date.now() + step * (0.75 + 0.5 * this.random());
    this.window = 1;
    const was = this.held;
    this.held = reason;
    if (was !== reason) this.changed();
    this.pump();
  }

  private wakeAt(at: number): void {
    this.sleep();
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.pump();
    }, Math.max(0, at - Date.now()));
  }

  private sleep(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
  }

  /** Another record of this board: adopt it now if its tab is gone, else when it goes. */
  private consider(key: string): void {
    if (key === this.key || isLeaseKey(key) || this.watched.has(key) || this.disposed) return;
    this.watched.add(key);
    const { tabs } = this.opts;
    void tabs.isOrphan(key).then((orphan) => {
      if (this.disposed) return;
      if (orphan) return this.adopt(key);
      this.unwatch.push(tabs.watch(key, () => this.adopt(key)));
    });
  }

  private adopt(key: string): void {
    this.watched.delete(key);
    if (this.disposed) return;
    const { storage } = this.opts;
    const ops = parseRecord(storage.read(key));
    const taken = ops.filter((op) => this.add(op, true));
    // The gone tab's record is its ops' only durable copy until ours holds them
    // (a second adoption of it meanwhile is harmless: the server deduplicates by opId).
    this.retained.add(key);
    if (taken.length) this.persist();
    else if (this.stored) this.release();
    if (!taken.length) return;
    this.emit("adopted", taken);
    this.changed();
    this.pump();
  }

  private changed(): void {
    this.emit("changed", this.state());
  }

  private persist(): void {
    const { storage } = this.opts;
    if (this.entries.length > 0) this.stored = storage.write(this.key, JSON.stringify({ ops: this.ops() }));
    else {
      storage.remove(this.key);
      this.stored = true;
    }
    if (this.stored) this.release();
  }

  /** Our record holds every op we have (or we have none left): the gone tabs' records can go. */
  private release(): void {
    for (const key of this.retained) this.opts.storage.remove(key);
    this.retained.clear();
  }
}

/** A new client-generated op id. */
export function newOpId(): string {
  return randomId(16);
}

/** The ops of a stored record; anything unreadable counts as none. */
function parseRecord(raw: string | null): BoardOp[] {
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as { ops?: unknown };
    if (!Array.isArray(v.ops)) return [];
    return v.ops.filter((op: Partial<BoardOp> | null): op is BoardOp => typeof op?.opId === "string" && typeof op?.type === "string");
  } catch {
    return [];
  }
}

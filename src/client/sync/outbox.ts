/**
 * Durable operations this browser has made and the server has not yet confirmed.
 *
 * Every op is kept, in order, until the server acknowledges it (or it shows up in
 * the sequenced stream with its opId). It is persisted in localStorage so a reload
 * or a crash while offline does not lose strokes, and resent on every new session:
 * the server deduplicates by opId, so a resend never duplicates anything.
 */
import type { BoardOp, OpAck, ProtocolError } from "../../shared/protocol.js";
import { TRANSIENT_ERRORS } from "../../shared/protocol-constants.js";
import { randomId } from "../ids.js";
import { readLocal, removeLocal, writeLocal } from "../local-store.js";

/** How the outbox reaches the server; `ready` is false between sessions. */
export interface OpTransport {
  readonly ready: boolean;
  /** Sends one op; `done` gets the ack, or an error when it timed out. */
  send(op: BoardOp, done: (err: Error | null, ack?: OpAck) => void): void;
}

export interface OutboxListener {
  /** The pending list changed (added, confirmed, rejected): re-render. */
  changed(): void;
  /** The server refused an op for good; it has been dropped. */
  rejected(op: BoardOp, error: ProtocolError): void;
}

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/** A closed tab's record is adopted once its heartbeat is this old. */
const ORPHAN_AFTER_MS = 30_000;
const HEARTBEAT_MS = 10_000;
const KEY_PREFIX = "meshboard:outbox:";
const TAB_KEY = "meshboard:tab";

interface StoredOutbox {
  heartbeat: number;
  ops: BoardOp[];
}

interface Entry {
  op: BoardOp;
  inFlight: boolean;
}

export class Outbox {
  private entries: Entry[] = [];
  private transport: OpTransport | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = RETRY_BASE_MS;
  private readonly storageKey: string;
  private readonly heartbeatTimer: ReturnType<typeof setInterval>;

  constructor(
    private readonly boardId: string,
    private readonly listener: OutboxListener,
  ) {
    this.storageKey = `${KEY_PREFIX}${boardId}:${tabId()}`;
    this.restore();
    this.heartbeatTimer = setInterval(() => {
      this.adoptOrphans();
      this.persist();
    }, HEARTBEAT_MS);
  }

  /** Pending ops, oldest first (they are rendered on top of the confirmed board). */
  ops(): BoardOp[] {
    return this.entries.map((e) => e.op);
  }

  get size(): number {
    return this.entries.length;
  }

  has(opId: string): boolean {
    return this.entries.some((e) => e.op.opId === opId);
  }

  /** Queues a new op and sends it if a session is open. */
  push(op: BoardOp): void {
    this.entries.push({ op, inFlight: false });
    this.persist();
    this.listener.changed();
    this.flush();
  }

  /** A session is ready (after `welcome`): send everything not yet in flight, in order. */
  attach(transport: OpTransport): void {
    this.transport = transport;
    for (const e of this.entries) e.inFlight = false;
    this.flush();
  }

  /** The session ended: whatever was in flight is resent on the next one. */
  detach(): void {
    this.transport = null;
    for (const e of this.entries) e.inFlight = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** The op reached the board (acked, or seen in the sequenced stream). */
  confirm(opId: string): void {
    const i = this.entries.findIndex((e) => e.op.opId === opId);
    if (i < 0) return;
    this.entries.splice(i, 1);
    this.retryDelay = RETRY_BASE_MS;
    this.persist();
    this.listener.changed();
  }

  dispose(): void {
    clearInterval(this.heartbeatTimer);
    this.detach();
  }

  private flush(): void {
    const t = this.transport;
    if (!t?.ready) return;
    for (const entry of this.entries) {
      if (entry.inFlight) continue;
      entry.inFlight = true;
      t.send(entry.op, (err, ack) => this.settle(entry, t, err, ack));
    }
  }

  private settle(entry: Entry, t: OpTransport, err: Error | null, ack?: OpAck): void {
    if (!this.entries.includes(entry)) return; // already confirmed via the ops stream
    if (this.transport !== t) return; // a stale answer from an older session
    entry.inFlight = false;
    if (err || !ack) {
      // Timed out while connected: the server is slow, not gone. Resend in order; it deduplicates.
      this.scheduleRetry();
      return;
    }
    if (ack.ok) {
      this.confirm(entry.op.opId);
      return;
    }
    if (TRANSIENT_ERRORS.has(ack.error.code)) {
      this.scheduleRetry();
      return;
    }
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.persist();
    this.listener.changed();
    this.listener.rejected(entry.op, ack.error);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, delay);
  }

  private persist(): void {
    if (this.entries.length === 0) {
      removeLocal(this.storageKey);
      return;
    }
    const record: StoredOutbox = { heartbeat: Date.now(), ops: this.ops() };
    writeLocal(this.storageKey, JSON.stringify(record));
  }

  /** Loads this tab's own record: a reload keeps the tab (sessionStorage), so it finds its ops. */
  private restore(): void {
    const record = parseRecord(readLocal(this.storageKey));
    if (record) for (const op of record.ops) this.entries.push({ op, inFlight: false });
    this.adoptOrphans();
    this.persist();
  }

  /**
   * Takes over records of tabs that closed with ops still pending (their heartbeat
   * stopped): they share our clientId, and resending is idempotent.
   */
  private adoptOrphans(): void {
    const now = Date.now();
    let adopted = false;
    for (const key of localKeys(`${KEY_PREFIX}${this.boardId}:`)) {
      if (key === this.storageKey) continue;
      const record = parseRecord(readLocal(key));
      if (record && now - record.heartbeat < ORPHAN_AFTER_MS) continue; // a live tab's
      removeLocal(key);
      for (const op of record?.ops ?? []) {
        if (this.has(op.opId)) continue;
        this.entries.push({ op, inFlight: false });
        adopted = true;
      }
    }
    if (adopted) {
      this.persist();
      this.listener.changed();
      this.flush();
    }
  }
}

/** A new client-generated op id. */
export function newOpId(): string {
  return randomId(16);
}

function parseRecord(raw: string | null): StoredOutbox | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<StoredOutbox>;
    if (typeof v.heartbeat !== "number" || !Array.isArray(v.ops)) return null;
    const ops = v.ops.filter((op): op is BoardOp => typeof op?.opId === "string" && typeof op?.type === "string");
    return { heartbeat: v.heartbeat, ops };
  } catch {
    return null;
  }
}

function localKeys(prefix: string): string[] {
  const keys: string[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith(prefix)) keys.push(k);
    }
  } catch {
    // storage unavailable: nothing to restore
  }
  return keys;
}

/** Identifies this tab across reloads (sessionStorage is per tab), so tabs don't overwrite each other. */
function tabId(): string {
  try {
    const existing = sessionStorage.getItem(TAB_KEY);
    if (existing) return existing;
    const id = randomId(10);
    sessionStorage.setItem(TAB_KEY, id);
    return id;
  } catch {
    return randomId(10);
  }
}

/**
 * Authentication of the Admin UI's namespace, in place of @socket.io/admin-ui's
 * own basic auth (which had no limit: 50 parallel guesses at 12.5/s slowed another
 * board's ops from 3-6 ms to 28-655 ms, bcrypt being CPU work).
 *
 * - Per client address: one check at a time, and after MAX_FAILURES failed
 *   attempts the address is locked out for LOCKOUT_MS (whatever it sends then,
 *   the right password included, is refused without a check).
 * - Per node: at most MAX_CONCURRENT_CHECKS bcrypt checks at once; more are
 *   refused ("busy"), so many addresses cannot buy the node's CPU either.
 * - Constant time: the user name is compared as SHA-256 digests with
 *   timingSafeEqual, and the bcrypt check runs whatever the name, so a wrong name
 *   and a wrong password take the same time.
 *
 * It guards the namespace, not a route: a board connection that asks for the
 * namespace (a `40/admin` packet over its Engine.IO connection) meets the same
 * middleware. A successful login gets a session id (the UI's `session` event) that
 * it presents on reconnects instead of the password.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Logger } from "./logger.js";

export const ADMIN_AUTH_LIMITS = {
  /** Failed attempts per address before a lockout. */
  maxFailures: 5,
  /** Failures older than this are forgotten. */
  failureWindowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
  /** bcrypt checks in flight on the node. */
  maxConcurrentChecks: 2,
  /** Addresses remembered at most (the oldest are forgotten first). */
  maxAddresses: 10_000,
  /** A UI session (after a login) lasts this long. */
  sessionMs: 12 * 60 * 60_000,
} as const;

/** What a refused attempt is told (the `connect_error` message). */
export const ADMIN_AUTH_ERRORS = {
  invalid: "invalid credentials",
  lockedOut: "too many failed attempts from your address; try again later",
  busy: "another login attempt is being checked; try again in a moment",
} as const;

export interface AdminCredentials {
  username: string;
  /** bcrypt hash. */
  passwordHash: string;
}

interface AddressRecord {
  failures: number[];
  lockedUntil: number;
  checking: boolean;
}

/** A socket asking for the namespace, as far as this reads it. */
export interface AdminHandshake {
  conn: unknown;
  handshake: { address: string; auth: Record<string, unknown> };
  emit(event: "session", id: string): unknown;
}

/** The client address of a socket (the node's guards know it for every Engine.IO connection). */
export type AddressOf = (socket: AdminHandshake) => string;

export class AdminAuth {
  private readonly addresses = new Map<string, AddressRecord>();
  private readonly sessions = new Map<string, number>();
  private readonly usernameDigest: Buffer;
  private checks = 0;

  constructor(
    private readonly credentials: AdminCredentials,
    private readonly addressOf: AddressOf,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.usernameDigest = digest(credentials.username);
  }

  /** Socket.IO namespace middleware. */
  readonly middleware = (socket: AdminHandshake, next: (err?: Error) => void): void => {
    void this.admit(socket).then((refusal) => next(refusal ? new Error(refusal) : undefined));
  };

  /** Null when admitted, else why not. */
  async admit(socket: AdminHandshake): Promise<string | null> {
    const address = this.addressOf(socket);
    const now = this.now();
    const record = this.record(address, now);
    const { username, password, sessionId } = socket.handshake.auth;
    // A session id from a login (144 random bits) cannot be guessed: honoured even from a locked address.
    if (typeof sessionId === "string" && (this.sessions.get(sessionId) ?? 0) > now) return null;
    if (record.lockedUntil > now) return ADMIN_AUTH_ERRORS.lockedOut;
    if (record.checking || this.checks >= ADMIN_AUTH_LIMITS.maxConcurrentChecks) return ADMIN_AUTH_ERRORS.busy;

    record.checking = true;
    this.checks++;
    let ok: boolean;
    try {
      const nameOk = typeof username === "string" && timingSafeEqual(digest(username), this.usernameDigest);
      // Checked whatever the name: a wrong name costs the same time as a wrong password.
      const passwordOk = await bcrypt.compare(typeof password === "string" ? password : "", this.credentials.passwordHash);
      ok = nameOk && passwordOk;
    } finally {
      record.checking = false;
      this.checks--;
    }
    if (ok) {
      this.addresses.delete(address);
      for (const [id, until] of this.sessions) if (until <= now) this.sessions.delete(id);
      const id = randomBytes(18).toString("base64url");
      this.sessions.set(id, this.now() + ADMIN_AUTH_LIMITS.sessionMs);
      socket.emit("session", id);
      return null;
    }
    record.failures.push(this.now());
    if (record.failures.length >= ADMIN_AUTH_LIMITS.maxFailures) {
      record.lockedUntil = this.now() + ADMIN_AUTH_LIMITS.lockoutMs;
      record.failures = [];
      this.log.warn({ address, lockoutMs: ADMIN_AUTH_LIMITS.lockoutMs }, "admin UI: too many failed logins; address locked out");
    }
    return ADMIN_AUTH_ERRORS.invalid;
  }

  private record(address: string, now: number): AddressRecord {
    let record = this.addresses.get(address);
    if (record) {
      record.failures = record.failures.filter((t) => now - t < ADMIN_AUTH_LIMITS.failureWindowMs);
      return record;
    }
    if (this.addresses.size >= ADMIN_AUTH_LIMITS.maxAddresses) this.forgetOld(now);
    record = { failures: [], lockedUntil: 0, checking: false };
    this.addresses.set(address, record);
    return record;
  }

  /** Drops records with nothing to remember, then the oldest if still full. */
  private forgetOld(now: number): void {
    for (const [address, r] of this.addresses) {
      if (!r.checking && r.lockedUntil <= now && r.failures.every((t) => now - t >= ADMIN_AUTH_LIMITS.failureWindowMs)) this.addresses.delete(address);
    }
    for (const [id, until] of this.sessions) if (until <= now) this.sessions.delete(id);
    while (this.addresses.size >= ADMIN_AUTH_LIMITS.maxAddresses) this.addresses.delete(this.addresses.keys().next().value!);
  }
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

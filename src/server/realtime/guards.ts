/**
 * What stands between the open internet and a node's sessions: origin and
 * per-address connection checks on new Engine.IO connections, rate limits on
 * every inbound event, and bounded outgoing buffers. app.ts wires it into the
 * Admission and SessionDeps hooks.
 */
import type { IncomingMessage } from "node:http";
import type { ErrorCode } from "../../shared/protocol.js";
import { clientAddress, type TrustedHops } from "../http/client-address.js";
import type { Logger } from "../observability/logger.js";
import { onEngineConnectionClosed } from "./io-internals.js";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { take, type ClusterAddressLimits } from "../cluster/address-limits.js";
import { RateLimiter, rateClassOf, type RateLimits } from "./rate-limit.js";
import { SlowClientGuard, type SlowClientLimits } from "./slow-clients.js";
import type { MeshServer, MeshSocket } from "./types.js";

export interface GuardOptions {
  rates: RateLimits;
  /** Open Engine.IO connections per client address on this node; null: unlimited. */
  connectionsPerAddress: number | null;
  /** Origins other than the node's own allowed to connect (CORS_ORIGINS). */
  corsOrigins: readonly string[];
  trustedHops: TrustedHops;
  slowClients: SlowClientLimits;
  /** Cluster mode: the same per-address limits over every node (in Redis). */
  cluster?: ClusterAddressLimits;
  /** New boards per address (cluster-wide in cluster mode); null: unlimited. */
  newBoards?: RateLimiterAbstract | null;
}

/** Refusal messages (the body of Engine.IO's 403); clients retry with backoff. */
export const CONNECTION_REFUSALS = {
  origin: "origin not allowed",
  tooMany: "too many connections from your address",
} as const;

/** Why a first op on an empty board is refused (`rate_limited`). */
export const NEW_BOARD_REFUSAL = "too many new boards from your address; wait a while, or draw on a board you already have";

/** A client address with open connections; shared by them (one string per address, not per socket). */
interface AddressEntry {
  address: string;
  open: number;
}

/** An Engine.IO connection, as far as the guards read it. */
interface EngineConnection {
  id: string;
  request: IncomingMessage;
  once(ev: "close", fn: () => void): void;
}

export class NodeGuards {
  readonly limiter: RateLimiter;
  readonly slowClients: SlowClientGuard;
  /** Open Engine.IO connections by client address. */
  private readonly open = new Map<string, AddressEntry>();
  /** The address of every open Engine.IO connection, by connection id (Socket.IO sockets find theirs through socket.conn). */
  private readonly conns = new Map<string, AddressEntry>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly opts: GuardOptions,
    private readonly log: Logger,
  ) {
    // A disconnected socket's buckets are dropped at the next sweep (the limiter holds sockets for at most a second).
    this.limiter = new RateLimiter(opts.rates, { alive: (socket) => (socket as MeshSocket).connected });
    this.slowClients = new SlowClientGuard(opts.slowClients, log);
  }

  /** Counts Engine.IO connections per address and watches every session's buffer. */
  attach(io: MeshServer): void {
    const closed = (id: string) => {
      const entry = this.conns.get(id);
      if (!entry) return;
      this.conns.delete(id);
      if (--entry.open <= 0) this.open.delete(entry.address);
      this.opts.cluster?.closeConnection(entry.address, Math.max(0, entry.open));
    };
    const hooked = onEngineConnectionClosed(io.engine, closed, { log: this.log });
    io.engine.on("connection", (conn: EngineConnection) => {
      const address = this.requestAddress(conn.request);
      let entry = this.open.get(address);
      if (!entry) this.open.set(address, (entry = { address, open: 0 }));
      entry.open++;
      this.opts.cluster?.syncCount(address, entry.open);
      this.conns.set(conn.id, entry);
      if (!hooked) conn.once("close", () => closed(conn.id));
    });
    this.slowClients.attach(io);
  }

  /** Admission.refuseConnection: why a new connection is refused, or null. */
  readonly refuseConnection = (req: IncomingMessage): string | null | Promise<string | null> => {
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, req)) {
      this.warnOnce(`origin:${origin}`, { origin, host: req.headers.host }, "refused a connection from another origin; list it in CORS_ORIGINS if it is yours");
      return CONNECTION_REFUSALS.origin;
    }
    const max = this.opts.connectionsPerAddress;
    if (max !== null) {
      const address = this.requestAddress(req);
      if ((this.open.get(address)?.open ?? 0) >= max) {
        this.log.info({ address, max }, "connection refused: too many from one address");
        return CONNECTION_REFUSALS.tooMany;
      }
      const cluster = this.opts.cluster;
      if (cluster) {
        return cluster.openConnection(address).then((ok) => {
          if (ok) return null;
          this.log.info({ address, max }, "connection refused: too many from one address across the cluster");
          return CONNECTION_REFUSALS.tooMany;
        });
      }
    }
    return null;
  };

  /** SessionDeps.admitNewBoard: whether the socket's address may create one more board. */
  readonly admitNewBoard = (socket: MeshSocket): Promise<boolean> => take(this.opts.newBoards ?? null, this.socketAddress(socket)).catch(() => true);

  /** SessionDeps.admit: refuses events past the rate limits; cuts off a flooding socket. */
  readonly admit = (socket: MeshSocket, event: string): ErrorCode | null => {
    const address = this.socketAddress(socket);
    const verdict = this.limiter.check(socket, address, event);
    if (verdict === "ok") return this.opts.cluster?.blocked(address, rateClassOf(event)) ? "rate_limited" : null;
    if (verdict === "flood") {
      this.log.warn({ socket: socket.id, board: socket.data.boardId, address: this.socketAddress(socket) }, "flooding socket disconnected");
      socket.emit("error", { code: "rate_limited", message: "far too many events: disconnected" });
      socket.disconnect(true);
    }
    return "rate_limited";
  };

  /** SessionDeps.beforeWrite: an acknowledgement counted against the buffer limits before it is written. */
  readonly beforeWrite = (socket: MeshSocket, bytes: number): boolean => this.slowClients.beforeWrite(socket, bytes);

  /** SessionDeps.charge: a large answer takes more tokens after the fact. */
  readonly charge = (socket: MeshSocket, event: string, tokens: number): void => {
    this.limiter.charge(socket, this.socketAddress(socket), event, tokens);
  };

  /** SessionDeps.drained: catch-up waits for a congested socket to drain between pages. */
  readonly drained = (socket: MeshSocket): Promise<void> => this.slowClients.drained(socket);

  /** Open connections from an address (for tests and metrics). */
  connectionsFrom(address: string): number {
    return this.open.get(address)?.open ?? 0;
  }

  close(): void {
    this.opts.cluster?.close();
    this.limiter.close();
    this.slowClients.close();
  }

  /**
   * The address its Engine.IO connection was counted under (X-Forwarded-For as far
   * as TRUST_PROXY goes), for a socket of any namespace: read from the node's own
   * table, since the handshake's headers are released once a session starts.
   */
  readonly socketAddress = (socket: { conn: unknown; handshake: { address: string } }): string => {
    // Engine.IO's Socket#id (documented; `private` in its typings).
    const id = (socket.conn as { id: string }).id;
    return this.conns.get(id)?.address ?? clientAddress(socket.handshake.address, {}, 0);
  };

  private requestAddress(req: IncomingMessage): string {
    if (this.opts.trustedHops === 0 && req.headers["x-forwarded-for"] !== undefined) {
      this.warnOnce("xff", {}, "requests carry X-Forwarded-For but TRUST_PROXY is off: per-address limits count the proxy's address");
    }
    return clientAddress(req.socket.remoteAddress, req.headers, this.opts.trustedHops);
  }

  /** Same origin (the page this node served), or one listed in CORS_ORIGINS. */
  private originAllowed(origin: string, req: IncomingMessage): boolean {
    if (this.opts.corsOrigins.includes(origin)) return true;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false; // "null" (sandboxed frames, file:) and garbage
    }
    const forwarded = this.opts.trustedHops > 0 ? req.headers["x-forwarded-host"] : undefined;
    return host === req.headers.host || (typeof forwarded === "string" && host === forwarded.split(",")[0].trim());
  }

  private warnOnce(key: string, fields: Record<string, unknown>, message: string): void {
    if (this.warned.has(key) || this.warned.size > 100) return;
    this.warned.add(key);
    this.log.warn(fields, message);
  }
}

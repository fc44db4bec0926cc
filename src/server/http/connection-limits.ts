/**
 * Per-address limits on the node's TCP connections, before any HTTP is parsed: at
 * most `perAddress` open at once, and new ones at most at `rate`. One address
 * opened 545 connections a second, and held 544 of 750 slow requests open for over
 * two minutes. A refused connection is closed at once (no response: it has not
 * sent a request yet); clients and browsers retry.
 *
 * The address is the TCP peer's. Behind a balancer or a mesh sidecar (TRUST_PROXY
 * on) every peer is a proxy, so these limits are off there: the proxy in front
 * limits connections per client, and the node keeps its per-client-address limits
 * on Socket.IO sessions and HTTP requests (which read X-Forwarded-For).
 */
import type { Server, Socket } from "node:net";
import type { Logger } from "../observability/logger.js";
import { TokenBucket, type Rate } from "../realtime/rate-limit.js";
import { clientAddress } from "./client-address.js";

export interface ConnectionLimits {
  /** Open TCP connections per peer address; null: unlimited. */
  perAddress: number | null;
  /** New TCP connections per peer address; null: unlimited. */
  rate: Rate | null;
}

/** Addresses remembered at most for the rate (idle full buckets are swept). */
const MAX_ADDRESSES = 100_000;
const SWEEP_MS = 30_000;

export class ConnectionGuard {
  private readonly open = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly warned = new Set<string>();
  /** Connections refused so far (for tests and logs). */
  refused = 0;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
  ) {
    this.sweeper = setInterval(() => {
      for (const [address, bucket] of this.buckets) if (bucket.full()) this.buckets.delete(address);
      this.warned.clear();
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  /** Guards every connection the server accepts (registered first, so a refused one goes no further). */
  attach(server: Server): void {
    server.prependListener("connection", (socket: Socket) => this.accept(socket));
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private accept(socket: Socket): void {
    const address = clientAddress(socket.remoteAddress, {}, 0);
    const why = this.refusal(address);
    if (why) {
      this.refused++;
      if (!this.warned.has(address)) {
        this.warned.add(address);
        this.log.warn({ address, why, limits: this.limits }, "connections refused from one address (logged once per address per 30 s)");
      }
      socket.destroy();
      return;
    }
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
    socket.once("close", () => {
      const n = (this.open.get(address) ?? 1) - 1;
      if (n <= 0) this.open.delete(address);
      else this.open.set(address, n);
    });
  }

  private refusal(address: string): string | null {
    const { perAddress, rate } = this.limits;
    if (perAddress !== null && (this.open.get(address) ?? 0) >= perAddress) return "too many open connections";
    if (rate) {
      let bucket = this.buckets.get(address);
      if (!bucket) {
        if (this.buckets.size >= MAX_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!);
        this.buckets.set(address, (bucket = new TokenBucket(rate)));
      }
      if (!bucket.take()) return "new connections too fast";
    }
    return null;
  }
}

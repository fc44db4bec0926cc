/**
 * A per-client-address token bucket on HTTP requests: some routes do real work
 * per request (the SVG export folds a whole board), and pages, assets and links
 * are cheap but need not be unlimited. Probes and metrics are exempt (kubelet and
 * Prometheus call from a handful of addresses). Socket.IO's own requests never
 * reach Fastify; its events have their own limits.
 */
import type { FastifyInstance } from "fastify";
import { HEALTH_PATH, METRICS_PATH, READY_PATH } from "../../shared/constants.js";
import { TokenBucket, type Rate } from "../realtime/rate-limit.js";
import { clientAddress, type TrustedHops } from "./client-address.js";

const EXEMPT = new Set([HEALTH_PATH, READY_PATH, METRICS_PATH]);
const MAX_ADDRESSES = 100_000;

export function registerRequestLimits(app: FastifyInstance, rate: Rate | null, trustedHops: TrustedHops): void {
  if (!rate) return;
  const buckets = new Map<string, TokenBucket>();
  const sweeper = setInterval(() => {
    for (const [address, bucket] of buckets) if (bucket.full()) buckets.delete(address);
  }, 30_000);
  sweeper.unref();
  app.addHook("onClose", async () => clearInterval(sweeper));
  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?", 1)[0];
    if (EXEMPT.has(path)) return;
    const address = clientAddress(req.raw.socket.remoteAddress, req.headers, trustedHops);
    let bucket = buckets.get(address);
    if (!bucket) {
      if (buckets.size >= MAX_ADDRESSES) buckets.delete(buckets.keys().next().value!);
      buckets.set(address, (bucket = new TokenBucket(rate)));
    }
    if (!bucket.take()) {
      return reply.code(429).header("retry-after", "1").type("text/plain; charset=utf-8").send("too many requests from your address; retry in a moment");
    }
  });
}

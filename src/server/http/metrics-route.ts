/** GET /metrics: the node's Prometheus exposition, optionally behind a bearer token. */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { METRICS_PATH } from "../../shared/constants.js";
import type { NodeMetrics } from "../observability/metrics.js";

export function registerMetricsRoute(app: FastifyInstance, metrics: NodeMetrics, token: string | undefined): void {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  app.get(METRICS_PATH, async (req, reply) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.code(401).header("www-authenticate", 'Bearer realm="metrics"').send({ error: "a bearer token is required" });
      }
    }
    const { contentType, body } = await metrics.scrape();
    return reply.header("cache-control", "no-store").type(contentType).send(body);
  });
}

/**
 * Composes a meshboard node from its parts: storage backend, HTTP routes,
 * Socket.IO sessions, readiness and drain. main.ts only calls this.
 */
import Fastify, { type FastifyBaseLogger } from "fastify";
import { NODE_HEADER } from "../shared/constants.js";
import { LIMITS } from "../shared/protocol-constants.js";
import { BoardAccess, readOnlyDecision } from "./access/board-access.js";
import { Identities, vouchConnections } from "./access/identity.js";
import { BoardService } from "./board/board-service.js";
import { RetentionSweeper, soleNodeLease } from "./board/retention.js";
import { createBackend } from "./backend.js";
import type { Config } from "./config.js";
import { registerBoardSvgRoute } from "./http/board-svg-route.js";
import { registerRoutes } from "./http/routes.js";
import { ConnectionGuard } from "./http/connection-limits.js";
import { registerRequestLimits } from "./http/request-limits.js";
import { registerSecurityHeaders } from "./http/security-headers.js";
import { registerShareLinksRoute } from "./http/share-links-route.js";
import { Readiness } from "./lifecycle.js";
import { registerMetricsRoute } from "./http/metrics-route.js";
import { countAdapterTraffic } from "./observability/adapter-traffic.js";
import { enableAdminUi } from "./observability/admin-ui.js";
import type { Logger } from "./observability/logger.js";
import { NodeMetrics } from "./observability/metrics.js";
import { NodeGuards } from "./realtime/guards.js";
import type { Admission } from "./realtime/handshake.js";
import { newBoardLimiter } from "./cluster/address-limits.js";
import { attachSessions, createSocketServer } from "./realtime/socket-server.js";
import { boardRoom, localBoardCount, type MeshServer } from "./realtime/types.js";

export interface MeshboardNode {
  /** The address the node listens on. */
  url: string;
  io: MeshServer;
  readiness: Readiness;
  /** Graceful drain: not ready at once, clients sent elsewhere, in-flight work finished, closed. */
  shutdown(reason: string): Promise<void>;
}

export async function startNode(config: Config, log: Logger): Promise<MeshboardNode> {
  const readiness = new Readiness();
  const backend = await createBackend(config, log, readiness);
  const metrics = new NodeMetrics(config.nodeId, config.redisUrl ? "cluster" : "embedded");

  // Per-request logs would drown the realtime ones: the HTTP layer logs warnings and errors only.
  const httpLog = log.child({ component: "http" }, { level: "warn" }) as FastifyBaseLogger;
  const app = Fastify({
    loggerInstance: httpLog,
    forceCloseConnections: true,
    // Slow senders are cut off: Fastify's default waits forever for a request's body.
    requestTimeout: config.http.requestTimeoutMs,
    // An idle connection (no request, no response) is closed: WebSockets carry a ping every 5 s, long-polls answer within 5 s.
    connectionTimeout: config.http.requestTimeoutMs,
    // Node checks these timeouts every connectionsCheckingInterval (30 s by default, which would double them).
    http: { headersTimeout: config.http.headersTimeoutMs, requestTimeout: config.http.requestTimeoutMs, connectionsCheckingInterval: 1_000 },
  });
  const connections = config.http.connections ? new ConnectionGuard(config.http.connections, log.child({ component: "http" })) : undefined;
  connections?.attach(app.server);
  const access = config.accessSecret ? new BoardAccess(config.accessSecret) : undefined;
  // Cluster mode: per-address limits hold over every node (Redis); embedded: this node's own.
  const cluster = backend.clusterLimits?.({
    nodeId: config.nodeId,
    connectionsPerAddress: config.maxConnectionsPerIp,
    rates: config.rates.address,
    newBoards: config.newBoardRate,
    log: log.child({ component: "limits" }),
  });
  const guards = new NodeGuards(
    {
      rates: config.rates,
      connectionsPerAddress: config.maxConnectionsPerIp,
      corsOrigins: config.corsOrigins,
      trustedHops: config.trustedHops,
      slowClients: config.slowClients,
      cluster,
      newBoards: cluster ? cluster.newBoards : newBoardLimiter(config.newBoardRate),
    },
    log.child({ component: "guards" }),
  );
  // Browser identities the server vouches for (a signed HttpOnly cookie); the node is not ready before their key is known.
  const identities = new Identities();
  readiness.depend("identity", () => identities.ready);
  if (config.identitySecret) identities.useSecret(config.identitySecret);
  else
    void backend.identityKey().then(
      (key) => identities.useKey(key),
      (err: unknown) => log.error({ err }, "no identity key: the node stays not ready"),
    );
  const admission: Admission = { accepting: () => readiness.isReady(), readOnly: readOnlyDecision(access), refuseConnection: guards.refuseConnection };
  const io = createSocketServer(app.server, { corsOrigins: config.corsOrigins, admission });
  admission.identify = vouchConnections(io.engine, identities, config.trustedHops > 0);
  guards.attach(io);
  // Every response names the node that served it: Socket.IO's polling and error
  // responses included (prepended after Socket.IO, which re-registers listeners),
  // and the WebSocket upgrade response.
  app.server.prependListener("request", (_req, res) => res.setHeader(NODE_HEADER, config.nodeId));
  io.engine.on("headers", (headers: Record<string, string>) => {
    headers[NODE_HEADER] = config.nodeId;
  });
  io.engine.on("connection_error", (err: { code: number }) => metrics.transportError(err.code));
  backend.attachAdapter?.(io, () => countAdapterTraffic(io.of("/").adapter, metrics));
  metrics.observe({ sockets: () => io.of("/").sockets.size, boards: () => localBoardCount(io) });
  // The cluster backend registers its Redis connections as the readiness dependency "redis".
  if (config.redisUrl) metrics.watchRedis(() => !readiness.failing().includes("redis"));

  const boards = new BoardService(backend.store, (boardId, ops) => io.to(boardRoom(boardId)).emit("ops", ops), log, {
    maxOps: LIMITS.catchUpPageSize,
    maxBytes: config.pageBytes,
  });
  readiness.degradedWhen("store-writes", () => boards.writes.readOnlyReason() !== undefined);
  const retention = new RetentionSweeper(backend.store, {
    retentionMs: config.retentionMs,
    sweepMs: config.retentionSweepMs,
    lease: backend.sweepLease ?? soleNodeLease,
    inUse: async (boardId) => (await backend.presence.snapshot(boardId)).length > 0,
    log: log.child({ component: "retention" }),
    onDeleted: (n) => metrics.boardsDeleted(n),
  });
  metrics.observeStore(() => backend.store.totals(), () => boards.compactor.installed);
  const reach = backend.boardReach?.(io);
  const sessions = attachSessions(
    io,
    admission,
    { ...config.ink, shared: reach && ((boardId) => reach.shared(boardId)) },
    { boards, registry: backend.presence, nodeId: config.nodeId, log, metrics, admit: guards.admit, admitNewBoard: guards.admitNewBoard, drained: guards.drained, beforeWrite: guards.beforeWrite, charge: guards.charge },
  );

  registerSecurityHeaders(app);
  registerRequestLimits(app, config.httpRate, config.trustedHops);
  await registerRoutes(app, { staticDir: config.staticDir, readiness, nodeId: config.nodeId, access, identities, trustProxy: config.trustedHops > 0 });
  registerBoardSvgRoute(app, boards, access);
  registerShareLinksRoute(app, access);
  registerMetricsRoute(app, metrics, config.metricsToken);
  if (config.adminUi) await enableAdminUi(app, io, { ...config.adminUi, nodeId: config.nodeId, addressOf: guards.socketAddress, log: log.child({ component: "admin-ui" }) });
  const url = await app.listen({ port: config.port, host: config.host });
  readiness.markReady();
  retention.start();
  log.info({ url, mode: config.redisUrl ? "cluster" : "embedded", dataDir: config.redisUrl ? undefined : config.dataDir }, "meshboard node ready");

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (closing ??= (async () => {
      log.info({ reason }, "draining");
      readiness.markDraining();
      // Tell this node's clients to move, then close their transports: they
      // reconnect on their own, and the balancer sends them to a ready node.
      io.local.emit("drain", { node: config.nodeId });
      for (const socket of io.of("/").sockets.values()) socket.conn.close();
      await boards.idle();
      await retention.close();
      // Their leaves reach the board's members on other nodes before the adapter closes.
      await sessions.settle();
      sessions.close();
      boards.close();
      await io.close().catch(() => undefined);
      guards.close();
      await app.close();
      connections?.close();
      await backend.close();
      log.info("closed");
    })());

  return { url, io, readiness, shutdown };
}

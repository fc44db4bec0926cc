/** Configuration from the environment, validated once at start. */
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEFAULT_PORT } from "../shared/constants.js";
import { LIMITS } from "../shared/protocol-constants.js";
import { RATE_CLASSES, parseRate, type Rate, type RateClass, type RateLimits } from "./realtime/rate-limit.js";
import { BUSY_DELIVERIES, DEFAULT_TEMPO, QUIET_DELIVERIES, type InkTempoSettings } from "./realtime/ink-tempo.js";
import type { SlowClientLimits } from "./realtime/slow-clients.js";
import type { ConnectionLimits } from "./http/connection-limits.js";
import { DEFAULT_BOARD_MAX_BYTES } from "./store/board-store.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** Variables whose values never appear in messages, even when invalid. */
const SECRET_VARS = new Set(["METRICS_TOKEN", "ADMIN_UI_PASSWORD_HASH", "ACCESS_SECRET", "IDENTITY_SECRET"]);

/**
 * Rate limits, as `<events per second>/<burst>` or `off`. Per socket, and per
 * client address summed over its sockets on one node (RATE_IP_*). `op` is
 * durable operations, `live` is live ink and cursors, `control` the rest.
 */
export const DEFAULT_RATES = {
  RATE_OP: "30/2000",
  RATE_LIVE: "150/300",
  RATE_CONTROL: "5/30",
  RATE_IP_OP: "300/5000",
  RATE_IP_LIVE: "5000/10000",
  RATE_IP_CONTROL: "50/300",
  /** HTTP requests (pages, assets, links, SVG) per client address; probes and metrics exempt. */
  RATE_IP_HTTP: "50/200",
  /** Every event of one socket; past it the socket is disconnected. */
  RATE_FLOOD: "500/5000",
  /** New TCP connections per peer address (only without TRUST_PROXY: behind a proxy every peer is the proxy). */
  RATE_IP_CONNECT: "30/300",
} as const;

const rateSpec = z
  .string()
  .refine((s) => parseRate(s) !== undefined, "must be <per second>/<burst> (e.g. 30/300) or off");
const rateVars = Object.fromEntries(Object.entries(DEFAULT_RATES).map(([name, spec]) => [name, rateSpec.default(spec)])) as Record<
  keyof typeof DEFAULT_RATES,
  z.ZodDefault<typeof rateSpec>
>;
const origin = z.string().refine((s) => {
  try {
    return new URL(s).origin === s;
  } catch {
    return false;
  }
}, "each must be an origin like https://example.com (scheme, host, optional port; no path or trailing slash)");
/** Room a catch-up page needs above the soft limit: two of the largest ops (one op and its wrapping, generously). */
const MIN_PAGE_ROOM = 2 * LIMITS.maxPayloadBytes;
const positiveIntOrOff = z.union([z.literal("off"), z.coerce.number().int().min(1)]);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,63}$/, "1-63 characters of [A-Za-z0-9_.-]")
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Set: cluster mode (Redis store, presence and adapter). Unset: embedded single node. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  /** Seconds a node keeps serving after SIGTERM while clients move to other nodes. */
  DRAIN_SECONDS: z.coerce.number().min(0).max(300).optional(),
  /** Where the built client lives (default: dist/client beside the server build). */
  STATIC_DIR: z.string().optional(),
  /** Set: GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  /** Set: the Socket.IO Admin UI is on (page at /admin/, read-only), behind basic auth with this bcrypt hash. */
  ADMIN_UI_PASSWORD_HASH: z
    .string()
    .regex(/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/, "must be a bcrypt hash ($2b$10$...)")
    .optional(),
  ADMIN_UI_USERNAME: z.string().min(1).max(64).default("admin"),
  /** Set: access control on; boards open through signed editor and read-only links. */
  ACCESS_SECRET: z.string().min(32, "at least 32 characters").optional(),
  /** Signs browser identities (cookie); unset: derived from ACCESS_SECRET, else generated (DATA_DIR, or shared through Redis). */
  IDENTITY_SECRET: z.string().min(32, "at least 32 characters").optional(),
  /** Comma-separated origins other than the node's own allowed to connect (Socket.IO CORS and the WebSocket Origin check). */
  CORS_ORIGINS: z
    .string()
    .transform((s) => s.split(",").map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(origin))
    .default([]),
  /** Believe X-Forwarded-For: false, true (leftmost entry) or the number of proxies in front. */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, "must be true, false or a number of proxies")
    .default("false"),
  /** `off` switches every rate limit off at once (benchmarks, load tests from one address). */
  RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  ...rateVars,
  MAX_CONNECTIONS_PER_IP: positiveIntOrOff.default(500),
  /** Open TCP connections per peer address (only without TRUST_PROXY); default MAX_CONNECTIONS_PER_IP + 100. */
  MAX_HTTP_CONNECTIONS_PER_IP: positiveIntOrOff.optional(),
  /** The longest an HTTP request may take to arrive, headers and body (slow senders are cut off). */
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(30),
  /** A client's buffered outgoing bytes past which it gets no live ink or cursors. */
  SLOW_CLIENT_BUFFER_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** A client's buffered outgoing bytes past which it is disconnected. */
  SLOW_CLIENT_MAX_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  /** A congested client whose buffer does not drain for this long is disconnected. */
  SLOW_CLIENT_STALL_SECONDS: z.coerce.number().min(0.1).max(600).default(10),
  /** A fixed ink clock: clients send live ink once per tick, the node relays a board's ink once per tick. Unset: the tick follows load. */
  INK_TICK_MS: z.coerce.number().int().min(2).max(1000).optional(),
  /** The ink clock's shortest tick, on an idle node (ink-tempo.ts). */
  INK_TICK_MIN_MS: z.coerce.number().int().min(2).max(1000).default(DEFAULT_TEMPO.minMs),
  /** The ink clock's longest tick, on a busy node: bounds what batching adds to latency. */
  INK_TICK_MAX_MS: z.coerce.number().int().min(2).max(1000).default(DEFAULT_TEMPO.maxMs),
  /** Ink point deliveries per second (points relayed x watchers reached) below which a node uses its shortest tick (ink-tempo.ts); unset: 4,000, or INK_BUSY_DELIVERIES if lower. */
  INK_QUIET_DELIVERIES: z.coerce.number().int().min(1).optional(),
  /** ... and from which its longest; the ticks between at rates spaced evenly from the one to the other. */
  INK_BUSY_DELIVERIES: z.coerce.number().int().min(1).default(BUSY_DELIVERIES),
  /** The latest a node relays a tick's ink after the longest tick (shorter ticks scale it; a board whose drawers have all sent leaves at once). */
  INK_FLUSH_LAG_MS: z.coerce.number().int().min(0).max(500).default(DEFAULT_TEMPO.flushLagMs),
  /** Cluster mode: how long the peers of a node that stopped heartbeating stay listed (heartbeat: a third of it). */
  PRESENCE_TTL_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Stored bytes per board (ops and snapshot); adds and edits past it get `board_full`. */
  BOARD_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(DEFAULT_BOARD_MAX_BYTES),
  /** A board untouched this long is deleted; 0 keeps boards forever. */
  BOARD_RETENTION_SECONDS: z.coerce.number().int().min(0).default(0),
  /** How often a node looks for idle boards (one node of the cluster deletes per sweep). */
  RETENTION_SWEEP_SECONDS: z.coerce.number().min(0.5).max(86_400).default(3600),
  /** New boards (a first op on an empty board) per client address, as `<per second>/<burst>`, over the whole cluster. */
  RATE_IP_NEW_BOARD: rateSpec.default("0.2/100"),
})
  .refine((e) => e.INK_TICK_MS !== undefined || e.INK_TICK_MIN_MS <= e.INK_TICK_MAX_MS, { path: ["INK_TICK_MIN_MS"], message: "must not exceed INK_TICK_MAX_MS" })
  .refine((e) => e.INK_FLUSH_LAG_MS < (e.INK_TICK_MS ?? e.INK_TICK_MAX_MS), { path: ["INK_FLUSH_LAG_MS"], message: "must be shorter than the longest tick (INK_TICK_MS or INK_TICK_MAX_MS)" })
  .refine((e) => e.INK_QUIET_DELIVERIES === undefined || e.INK_QUIET_DELIVERIES <= e.INK_BUSY_DELIVERIES, { path: ["INK_QUIET_DELIVERIES"], message: "must not exceed INK_BUSY_DELIVERIES" })
  // A catch-up page is sent once the buffer is under the soft limit, and holds at least one op:
  // the gap up to the hard limit must fit the largest op, or a board holding one could never load.
  .refine((e) => e.SLOW_CLIENT_MAX_BYTES - e.SLOW_CLIENT_BUFFER_BYTES >= MIN_PAGE_ROOM, {
    path: ["SLOW_CLIENT_MAX_BYTES"],
    message: `must exceed SLOW_CLIENT_BUFFER_BYTES by at least ${MIN_PAGE_ROOM} bytes (twice the largest op), so every board can load`,
  });

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  nodeId: string;
  logLevel: (typeof LOG_LEVELS)[number];
  redisUrl: string | undefined;
  drainSeconds: number;
  staticDir: string;
  metricsToken: string | undefined;
  /** Set when the Admin UI is on. */
  adminUi: { username: string; passwordHash: string } | undefined;
  /** Set when access control is on. */
  accessSecret: string | undefined;
  /** Signs browser identities; unset: ACCESS_SECRET's derivation, else a generated key (identity-key.ts). */
  identitySecret: string | undefined;
  corsOrigins: string[];
  /** Proxies in front whose X-Forwarded-For entries are believed (Infinity: all). */
  trustedHops: number;
  rates: RateLimits;
  /** HTTP requests per client address; null: unlimited. */
  httpRate: Rate | null;
  maxConnectionsPerIp: number | null;
  http: HttpLimits;
  slowClients: SlowClientLimits;
  /**
   * Serialised size of one catch-up or sync page: LIMITS.catchUpPageBytes, lowered to
   * what fits between the slow-client soft and hard limits (a page is written once
   * the buffer is under the soft limit).
   */
  pageBytes: number;
  /** The ink clock's range (min = max: a fixed clock). */
  ink: InkTempoSettings;
  /** Cluster mode: a peer's lifetime in Redis without its node's heartbeat. */
  presenceTtlMs: number;
  boardMaxBytes: number;
  /** Idle time after which a board is deleted; 0: never. */
  retentionMs: number;
  retentionSweepMs: number;
  /** Boards an address may create; null: unlimited. */
  newBoardRate: Rate | null;
}

export interface HttpLimits {
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** Per peer address; null when a proxy is trusted (every peer is the proxy). */
  connections: ConnectionLimits | null;
}

/** Headers take no longer than this to arrive, whatever the request timeout. */
const HEADERS_TIMEOUT_MS = 10_000;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaults: { drainSeconds: number }): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const shown = (name: string) => (SECRET_VARS.has(name) ? "(hidden)" : JSON.stringify(raw[name]));
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}=${shown(String(i.path[0]))}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const here = path.dirname(fileURLToPath(import.meta.url));
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    nodeId: e.NODE_ID ?? hostname().replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 63),
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    drainSeconds: e.DRAIN_SECONDS ?? defaults.drainSeconds,
    staticDir: path.resolve(e.STATIC_DIR ?? path.join(here, "..", "client")),
    metricsToken: e.METRICS_TOKEN,
    adminUi: e.ADMIN_UI_PASSWORD_HASH ? { username: e.ADMIN_UI_USERNAME, passwordHash: e.ADMIN_UI_PASSWORD_HASH } : undefined,
    accessSecret: e.ACCESS_SECRET,
    identitySecret: e.IDENTITY_SECRET ?? e.ACCESS_SECRET,
    corsOrigins: e.CORS_ORIGINS,
    trustedHops: e.TRUST_PROXY === "true" ? Number.POSITIVE_INFINITY : e.TRUST_PROXY === "false" ? 0 : Number(e.TRUST_PROXY),
    rates: rateLimits(e),
    httpRate: e.RATE_LIMITS === "off" ? null : parseRate(e.RATE_IP_HTTP)!,
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP === "off" ? null : e.MAX_CONNECTIONS_PER_IP,
    http: httpLimits(e),
    slowClients: {
      softBytes: e.SLOW_CLIENT_BUFFER_BYTES,
      hardBytes: e.SLOW_CLIENT_MAX_BYTES,
      stallMs: e.SLOW_CLIENT_STALL_SECONDS * 1000,
    },
    pageBytes: Math.min(LIMITS.catchUpPageBytes, e.SLOW_CLIENT_MAX_BYTES - e.SLOW_CLIENT_BUFFER_BYTES),
    ink:
      e.INK_TICK_MS !== undefined
        ? { minMs: e.INK_TICK_MS, maxMs: e.INK_TICK_MS, flushLagMs: e.INK_FLUSH_LAG_MS }
        : { minMs: e.INK_TICK_MIN_MS, maxMs: e.INK_TICK_MAX_MS, flushLagMs: e.INK_FLUSH_LAG_MS, quietDeliveries: e.INK_QUIET_DELIVERIES ?? Math.min(QUIET_DELIVERIES, e.INK_BUSY_DELIVERIES), busyDeliveries: e.INK_BUSY_DELIVERIES },
    presenceTtlMs: e.PRESENCE_TTL_SECONDS * 1000,
    boardMaxBytes: e.BOARD_MAX_BYTES,
    retentionMs: e.BOARD_RETENTION_SECONDS * 1000,
    retentionSweepMs: e.RETENTION_SWEEP_SECONDS * 1000,
    newBoardRate: e.RATE_LIMITS === "off" ? null : parseRate(e.RATE_IP_NEW_BOARD)!,
  };
}

function rateLimits(e: Record<keyof typeof DEFAULT_RATES | "RATE_LIMITS", string>): RateLimits {
  const rate = (name: keyof typeof DEFAULT_RATES): Rate | null => (e.RATE_LIMITS === "off" ? null : parseRate(e[name])!);
  const perClass = (prefix: "RATE_" | "RATE_IP_") =>
    Object.fromEntries(RATE_CLASSES.map((c) => [c, rate(`${prefix}${c.toUpperCase()}` as keyof typeof DEFAULT_RATES)])) as Record<RateClass, Rate | null>;
  return { socket: perClass("RATE_"), address: perClass("RATE_IP_"), flood: rate("RATE_FLOOD") };
}

function httpLimits(e: {
  HTTP_REQUEST_TIMEOUT_SECONDS: number;
  MAX_HTTP_CONNECTIONS_PER_IP?: number | "off";
  MAX_CONNECTIONS_PER_IP: number | "off";
  RATE_IP_CONNECT: string;
  RATE_LIMITS: string;
  TRUST_PROXY: string;
}): HttpLimits {
  const requestTimeoutMs = e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000;
  const perAddress = e.MAX_HTTP_CONNECTIONS_PER_IP ?? (e.MAX_CONNECTIONS_PER_IP === "off" ? "off" : e.MAX_CONNECTIONS_PER_IP + 100);
  return {
    requestTimeoutMs,
    headersTimeoutMs: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
    connections:
      e.TRUST_PROXY === "false" || e.TRUST_PROXY === "0"
        ? { perAddress: perAddress === "off" ? null : perAddress, rate: e.RATE_LIMITS === "off" ? null : parseRate(e.RATE_IP_CONNECT)! }
        : null,
  };
}

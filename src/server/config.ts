/** Configuration from the environment, validated once at start. */
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEFAULT_PORT } from "../shared/constants.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** Variables whose values never appear in messages, even when invalid. */
const SECRET_VARS = new Set(["METRICS_TOKEN", "ADMIN_UI_PASSWORD_HASH"]);

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
}

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
  };
}

/**
 * Where the identity key comes from when no secret is configured: generated once
 * and then shared by every node that must verify the same cookies.
 * - single node: a file in DATA_DIR (identities survive restarts);
 * - cluster: a Redis key set once with SET NX (every node reads the same one).
 * Set IDENTITY_SECRET (or ACCESS_SECRET) to keep it out of both.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const KEY_BYTES = 32;
export const IDENTITY_KEY_FILE = "identity-key";
export const IDENTITY_REDIS_KEY = "mb:identity-key";

export function fileIdentityKey(dataDir: string): Buffer {
  const file = path.join(dataDir, IDENTITY_KEY_FILE);
  try {
    const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64url");
    if (key.length === KEY_BYTES) return key;
  } catch {
    // absent: made below
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // wx: two processes starting on one DATA_DIR do not overwrite each other's key.
  try {
    writeFileSync(file, key.toString("base64url"), { mode: 0o600, flag: "wx" });
    return key;
  } catch {
    return Buffer.from(readFileSync(file, "utf8").trim(), "base64url");
  }
}

export interface KeyRedis {
  set(key: string, value: string, options: { NX: true }): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

export async function redisIdentityKey(redis: KeyRedis): Promise<Buffer> {
  await redis.set(IDENTITY_REDIS_KEY, randomBytes(KEY_BYTES).toString("base64url"), { NX: true });
  const stored = await redis.get(IDENTITY_REDIS_KEY);
  const key = typeof stored === "string" ? Buffer.from(stored, "base64url") : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new Error(`${IDENTITY_REDIS_KEY} in Redis is not a ${KEY_BYTES}-byte base64url key`);
  return key;
}

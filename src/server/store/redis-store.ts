/**
 * Cluster store: one Redis Stream per board holds its sequenced ops; a hash maps
 * opIds to seqs (idempotency) and a hash holds the board's counters. Lua scripts
 * make check-budget-sequence-append, snapshot installation and idle deletion
 * atomic steps. All of a board's keys share a hash tag, so the same code runs on
 * Redis Cluster. A sorted set indexes boards by last use, for retention.
 *
 * Redis at maxmemory (noeviction): the append script declares itself a writer
 * (shebang), so Redis refuses it before it runs and nothing is half-written; the
 * store reports StorageFullError. Compaction and deletion free memory and are
 * allowed to run then (allow-oom).
 */
import type { BoardOp, SequencedOp } from "../../shared/protocol.js";
import { RESEND_WINDOW_OPS, opWeight } from "../board/compaction-policy.js";
import {
  BoardFullError,
  DEFAULT_BOARD_MAX_BYTES,
  StorageFullError,
  budgetFor,
  type AppendInput,
  type AppendResult,
  type BoardState,
  type BoardStore,
  type StoreLimits,
  type StoredSnapshot,
  type StoreTotals,
} from "./board-store.js";

/** Any node-redis client or cluster client (only the commands below are used). */
export interface RedisCommands {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  xRange(key: string, start: string, end: string, options?: { COUNT: number }): Promise<Array<{ id: string; message: Record<string, string> }>>;
  hGet(key: string, field: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  zAdd(key: string, members: Array<{ score: number; value: string }>): Promise<unknown>;
  zRem(key: string, members: string[]): Promise<unknown>;
  zRangeByScore(key: string, min: number | string, max: number | string, options?: { LIMIT: { offset: number; count: number } }): Promise<string[]>;
  zCard(key: string): Promise<number>;
  /** Absent on a Redis Cluster client (then memory is not reported). */
  info?(section?: string): Promise<string>;
}

// The stream entry's fields, in this order: op, author, at, id (opId), w (weight), t (type).
// Every reply starts with the opId it answers (see append()).
const APPEND = `#!lua
local ids, meta, log = KEYS[1], KEYS[2], KEYS[3]
local opId, isAdd, maxItems, json, maxBytes = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[7])
local function state()
  local m = redis.call('HMGET', meta, 'head', 'snapseq', 'bytes', 'tailw')
  return {tonumber(m[1] or '0'), tonumber(m[2] or '0'), tonumber(m[3] or '0'), tonumber(m[4] or '0')}
end
local existing = redis.call('HGET', ids, opId)
if existing then
  local s = state()
  local e = redis.call('XRANGE', log, existing .. '-0', existing .. '-0')
  if e[1] then
    local f = e[1][2]
    return {opId, 0, tonumber(existing), s[1], s[2], s[3], s[4], f[2], f[4], f[6]}
  end
  return {opId, 0, tonumber(existing), s[1], s[2], s[3], s[4]}
end
local m = redis.call('HMGET', meta, 'items', 'bytes')
if isAdd == '1' and tonumber(m[1] or '0') >= maxItems then return {opId, -1} end
if tonumber(m[2] or '0') + #json > maxBytes then return {opId, -2} end
if isAdd == '1' then redis.call('HINCRBY', meta, 'items', 1) end
local seq = redis.call('HINCRBY', meta, 'head', 1)
redis.call('HINCRBY', meta, 'bytes', #json)
redis.call('HINCRBY', meta, 'tailw', tonumber(ARGV[8]))
redis.call('HSET', meta, 'touched', ARGV[6])
redis.call('XADD', log, seq .. '-0', 'op', json, 'author', ARGV[5], 'at', ARGV[6], 'id', opId, 'w', ARGV[8], 't', ARGV[9])
redis.call('HSET', ids, opId, seq)
local s = state()
return {opId, 1, seq, s[1], s[2], s[3], s[4]}
`;

const INSTALL = `#!lua flags=allow-oom
local ids, meta, log, snap, folded = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local S, json, count, window = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local m = redis.call('HMGET', meta, 'head', 'snapseq', 'bytes', 'tailw', 'items', 'snapitems')
local head, snapseq = tonumber(m[1] or '0'), tonumber(m[2] or '0')
if head == 0 or S <= snapseq or S > head then return 0 end
local entries = redis.call('XRANGE', log, (snapseq + 1) .. '-0', S .. '-0')
if #entries ~= S - snapseq then return 0 end
local bytes = tonumber(m[3] or '0') - redis.call('STRLEN', snap) + #json
local tailw = tonumber(m[4] or '0')
local items = tonumber(m[5] or '0') - tonumber(m[6] or '0') + count
for _, e in ipairs(entries) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  bytes = bytes - #f.op
  tailw = tailw - tonumber(f.w or '1')
  if f.t == 'add' then items = items - 1 end
  redis.call('RPUSH', folded, e[1]:sub(1, -3) .. ':' .. (f.id or cjson.decode(f.op).opId))
end
-- opIds older than the resend window are forgotten.
while true do
  local first = redis.call('LINDEX', folded, 0)
  if not first then break end
  local at = first:find(':')
  if tonumber(first:sub(1, at - 1)) > head - window then break end
  redis.call('HDEL', ids, first:sub(at + 1))
  redis.call('LPOP', folded)
end
redis.call('XTRIM', log, 'MINID', (S + 1) .. '-0')
redis.call('SET', snap, json)
redis.call('HSET', meta, 'snapseq', S, 'bytes', bytes, 'tailw', tailw, 'items', items, 'snapitems', count)
return 1
`;

/** Deletes an idle board; otherwise returns when it was last touched. */
const DELETE_IDLE = `#!lua flags=allow-oom
local touched = redis.call('HGET', KEYS[2], 'touched')
if not touched then return 0 end
touched = tonumber(touched)
if touched >= tonumber(ARGV[1]) then return touched end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return -1
`;

const TOUCH = `#!lua flags=allow-oom
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'touched', ARGV[1])
return 1
`;

/** How often one node re-indexes a board it appends to (the index only needs minutes of precision). */
const INDEX_EVERY_MS = 10_000;

export class RedisBoardStore implements BoardStore {
  private readonly maxBytes: number;
  /** When this node last indexed each board (bounded: cleared when large). */
  private readonly indexed = new Map<string, number>();

  constructor(
    private readonly redis: RedisCommands,
    private readonly limits: StoreLimits,
    private readonly prefix = "mb",
  ) {
    this.maxBytes = limits.maxBytesPerBoard ?? DEFAULT_BOARD_MAX_BYTES;
  }

  private keys(boardId: string) {
    const tag = `${this.prefix}:{${boardId}}`;
    return { ids: `${tag}:ids`, meta: `${tag}:meta`, log: `${tag}:log`, snap: `${tag}:snap`, folded: `${tag}:folded` };
  }

  private get indexKey(): string {
    return `${this.prefix}:boards`;
  }

  async append(boardId: string, input: AppendInput): Promise<AppendResult> {
    const k = this.keys(boardId);
    const json = JSON.stringify(input.op);
    let answer: unknown;
    try {
      answer = await this.redis.eval(APPEND, {
        keys: [k.ids, k.meta, k.log],
        arguments: [
          input.op.opId,
          input.op.type === "add" ? "1" : "0",
          String(this.limits.maxItemsPerBoard),
          json,
          input.author,
          String(input.at),
          String(budgetFor(input.op, this.maxBytes)),
          String(opWeight(input.op)),
          input.op.type,
        ],
      });
    } catch (err) {
      if (isOutOfMemory(err)) throw new StorageFullError(err);
      throw err;
    }
    // An acknowledgement only ever comes from a reply that names this op: a connection
    // whose replies got out of step with its commands (seen with node-redis after a Redis
    // restart, stalled-reconnects.ts) must fail the op, which the client then resends.
    if (!Array.isArray(answer) || answer[0] !== input.op.opId) throw new MismatchedReplyError("append", input.op.opId);
    const reply = (answer as Array<number | string>).slice(1);
    if (reply[0] === -1) throw new BoardFullError(this.limits.maxItemsPerBoard);
    if (reply[0] === -2) throw new BoardFullError(this.maxBytes, "bytes");
    const board: BoardState = { head: Number(reply[2]), snapshotSeq: Number(reply[3]), bytes: Number(reply[4]), tailWeight: Number(reply[5]) };
    const seq = Number(reply[1]);
    if (reply[0] === 0) {
      const stored = reply.length > 6 ? { seq, op: JSON.parse(String(reply[6])) as BoardOp, author: String(reply[7]), at: Number(reply[8]) } : { ...input, seq };
      return { stored, duplicate: true, board };
    }
    this.index(boardId, input.at);
    return { stored: { seq, op: input.op, author: input.author, at: input.at }, duplicate: false, board };
  }

  /** Keeps the retention index roughly current; an index write that fails is retried by a later append. */
  private index(boardId: string, at: number): void {
    if (at - (this.indexed.get(boardId) ?? Number.NEGATIVE_INFINITY) < INDEX_EVERY_MS) return;
    if (this.indexed.size > 10_000) this.indexed.clear();
    this.indexed.set(boardId, at);
    this.redis.zAdd(this.indexKey, [{ score: at, value: boardId }]).catch(() => this.indexed.delete(boardId));
  }

  async readSince(boardId: string, since: number, limit: number): Promise<SequencedOp[]> {
    const entries = await this.redis.xRange(this.keys(boardId).log, `${since + 1}-0`, "+", { COUNT: limit });
    return entries.map((e) => ({
      seq: Number(e.id.slice(0, e.id.indexOf("-"))),
      op: JSON.parse(e.message.op) as BoardOp,
      author: e.message.author,
      at: Number(e.message.at),
    }));
  }

  async head(boardId: string): Promise<number> {
    const head = await this.redis.hGet(this.keys(boardId).meta, "head");
    return typeof head === "string" ? Number(head) : 0;
  }

  async state(boardId: string): Promise<BoardState> {
    const reply = (await this.redis.eval(`#!lua flags=no-writes,allow-oom
      return redis.call('HMGET', KEYS[1], 'head', 'snapseq', 'bytes', 'tailw')`, { keys: [this.keys(boardId).meta], arguments: [] })) as Array<string | null>;
    const [head, snapshotSeq, bytes, tailWeight] = reply.map((v) => Number(v ?? 0));
    return { head, snapshotSeq, bytes, tailWeight };
  }

  async snapshot(boardId: string): Promise<StoredSnapshot | null> {
    const json = await this.redis.get(this.keys(boardId).snap);
    return typeof json === "string" ? (JSON.parse(json) as StoredSnapshot) : null;
  }

  async installSnapshot(boardId: string, snapshot: StoredSnapshot): Promise<boolean> {
    const k = this.keys(boardId);
    const done = await this.redis.eval(INSTALL, {
      keys: [k.ids, k.meta, k.log, k.snap, k.folded],
      arguments: [String(snapshot.seq), JSON.stringify(snapshot), String(snapshot.items.length), String(this.limits.resendWindowOps ?? RESEND_WINDOW_OPS)],
    });
    return Number(done) === 1;
  }

  async touch(boardId: string, at: number): Promise<void> {
    const exists = await this.redis.eval(TOUCH, { keys: [this.keys(boardId).meta], arguments: [String(at)] });
    if (Number(exists) === 1) await this.redis.zAdd(this.indexKey, [{ score: at, value: boardId }]);
  }

  async idleBoards(before: number, limit: number): Promise<string[]> {
    return this.redis.zRangeByScore(this.indexKey, "-inf", `(${before}`, { LIMIT: { offset: 0, count: limit } });
  }

  async deleteIfIdle(boardId: string, before: number): Promise<boolean> {
    const k = this.keys(boardId);
    const touched = Number(await this.redis.eval(DELETE_IDLE, { keys: [k.ids, k.meta, k.log, k.snap, k.folded], arguments: [String(before)] }));
    if (touched === -1 || touched === 0) {
      // Deleted now, or by another node before (no meta left): out of the index.
      await this.redis.zRem(this.indexKey, [boardId]);
      return touched === -1;
    }
    // Used since the index last heard of it.
    await this.redis.zAdd(this.indexKey, [{ score: touched, value: boardId }]);
    return false;
  }

  async totals(): Promise<StoreTotals> {
    const boards = await this.redis.zCard(this.indexKey);
    const info = typeof this.redis.info === "function" ? await this.redis.info("memory") : "";
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
    return { boards, bytes: field("used_memory"), limitBytes: field("maxmemory") };
  }

  async close(): Promise<void> {
    // The connection belongs to the cluster backend.
  }
}

/** Redis answered a command with a reply that is not its own. */
export class MismatchedReplyError extends Error {
  constructor(command: string, expected: string) {
    super(`Redis answered ${command} of ${expected} with another command's reply; not acknowledged`);
    this.name = "MismatchedReplyError";
  }
}

/** Redis refused a write at maxmemory (noeviction): "OOM command not allowed when used memory > 'maxmemory'". */
export function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && /^OOM\b/.test(err.message);
}

/**
 * Cluster store: one Redis Stream per board holds its sequenced ops; a hash maps
 * opIds to seqs (idempotency) and a hash holds the head and item count. A Lua
 * script makes check-limit-sequence-append one atomic step. All of a board's
 * keys share a hash tag, so the same code runs on Redis Cluster.
 */
import type { BoardOp, SequencedOp } from "../../shared/protocol.js";
import { BoardFullError, type AppendInput, type AppendResult, type BoardStore, type StoreLimits } from "./board-store.js";

/** Any node-redis client or cluster client (only EVAL and XRANGE/HGET are used). */
export interface RedisCommands {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  xRange(key: string, start: string, end: string, options?: { COUNT: number }): Promise<Array<{ id: string; message: Record<string, string> }>>;
  hGet(key: string, field: string): Promise<unknown>;
}

const APPEND = `
local ids, meta, log = KEYS[1], KEYS[2], KEYS[3]
local opId, isAdd, maxItems = ARGV[1], ARGV[2], tonumber(ARGV[3])
local existing = redis.call('HGET', ids, opId)
if existing then
  local e = redis.call('XRANGE', log, existing .. '-0', existing .. '-0')
  local f = e[1][2]
  return {0, tonumber(existing), f[2], f[4], f[6]}
end
if isAdd == '1' then
  local items = tonumber(redis.call('HGET', meta, 'items') or '0')
  if items >= maxItems then return {-1} end
  redis.call('HINCRBY', meta, 'items', 1)
end
local seq = redis.call('HINCRBY', meta, 'head', 1)
redis.call('XADD', log, seq .. '-0', 'op', ARGV[4], 'author', ARGV[5], 'at', ARGV[6])
redis.call('HSET', ids, opId, seq)
return {1, seq}
`;

export class RedisBoardStore implements BoardStore {
  constructor(
    private readonly redis: RedisCommands,
    private readonly limits: StoreLimits,
    private readonly prefix = "mb",
  ) {}

  private keys(boardId: string) {
    const tag = `${this.prefix}:{${boardId}}`;
    return { ids: `${tag}:ids`, meta: `${tag}:meta`, log: `${tag}:log` };
  }

  async append(boardId: string, input: AppendInput): Promise<AppendResult> {
    const k = this.keys(boardId);
    const reply = (await this.redis.eval(APPEND, {
      keys: [k.ids, k.meta, k.log],
      arguments: [
        input.op.opId,
        input.op.type === "add" ? "1" : "0",
        String(this.limits.maxItemsPerBoard),
        JSON.stringify(input.op),
        input.author,
        String(input.at),
      ],
    })) as [number, number, string?, string?, string?];
    if (reply[0] === -1) throw new BoardFullError(this.limits.maxItemsPerBoard);
    if (reply[0] === 0) {
      return { stored: { seq: reply[1], op: JSON.parse(reply[2]!) as BoardOp, author: reply[3]!, at: Number(reply[4]) }, duplicate: true };
    }
    return { stored: { seq: reply[1], op: input.op, author: input.author, at: input.at }, duplicate: false };
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

  async close(): Promise<void> {
    // The connection belongs to the cluster backend.
  }
}

/**
 * Whether other nodes may have members of a board. Live ink is relayed through
 * Redis only when they may: under board affinity (every member of a board on
 * one node) a node's ink flushes would otherwise go to Redis and come straight
 * back to the node itself, for nobody.
 *
 * Each node with members of a board holds one subscription to the board room's
 * sharded channel (the adapter's dynamic subscriptions), so PUBSUB SHARDNUMSUB
 * says how many nodes host it. The answer is cached per board and refreshed at
 * most once per `maxAgeMs` while the board draws: a member joining on another
 * node may miss up to that much of someone's wet ink (never a committed stroke:
 * operations always go through Redis). Unknown or failed: shared.
 */
import type { Logger } from "../observability/logger.js";

interface Reading {
  shared: boolean;
  at: number;
  asking: boolean;
}

export interface BoardReachOptions {
  /** Nodes subscribed to the board's channel (this one included); rejects on failure. */
  countHosts(boardId: string): Promise<number>;
  maxAgeMs?: number;
  now?: () => number;
  log?: Logger;
}

export class BoardReach {
  private readonly readings = new Map<string, Reading>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(private readonly options: BoardReachOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 1_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Whether another node may have members of the board (answers at once, from the last reading). */
  shared(boardId: string): boolean {
    this.sweep();
    let reading = this.readings.get(boardId);
    if (!reading) {
      reading = { shared: true, at: Number.NEGATIVE_INFINITY, asking: false };
      this.readings.set(boardId, reading);
    }
    if (!reading.asking && this.now() - reading.at > this.maxAgeMs) this.ask(boardId, reading);
    return reading.shared;
  }


  /** Boards with a reading (for tests and metrics). */
  get size(): number {
    return this.readings.size;
  }

  /** Forgets boards that stopped drawing here (at most once per 60 readings' age). */
  private sweep(): void {
    const now = this.now();
    const stale = 60 * this.maxAgeMs;
    if (now - this.lastSweep < stale) return;
    this.lastSweep = now;
    for (const [boardId, r] of this.readings) if (!r.asking && now - r.at > stale) this.readings.delete(boardId);
  }

  private ask(boardId: string, reading: Reading): void {
    reading.asking = true;
    this.options.countHosts(boardId).then(
      (hosts) => {
        reading.shared = hosts !== 1;
        reading.at = this.now();
        reading.asking = false;
      },
      (err: unknown) => {
        reading.shared = true;
        reading.at = this.now();
        reading.asking = false;
        this.options.log?.debug({ err, board: boardId }, "board reach unknown; relaying through Redis");
      },
    );
  }
}

/** What `sendCommand` looks like on a node-redis client (standalone) or cluster (routed by a key). */
type CommandSender = {
  sendCommand(...args: unknown[]): Promise<unknown>;
};

/** Subscribers of a sharded channel, asked of the shard that owns it. */
export async function shardSubscribers(client: CommandSender, channel: string, cluster: boolean): Promise<number> {
  const args = ["PUBSUB", "SHARDNUMSUB", channel];
  const reply = (cluster ? await client.sendCommand(channel, true, args) : await client.sendCommand(args)) as unknown[];
  const count = Number(reply?.[1]);
  if (!Number.isFinite(count)) throw new Error(`unexpected SHARDNUMSUB reply ${JSON.stringify(reply)}`);
  return count;
}

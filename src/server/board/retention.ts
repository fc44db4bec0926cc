/**
 * Retention: deletes boards nobody has touched for BOARD_RETENTION_SECONDS, from
 * either store. Every node runs the sweeper every RETENTION_SWEEP_SECONDS; a
 * lease (in Redis, for the cluster) lets one node sweep per period and the others
 * skip. A board with anyone connected is never idle: it is touched instead (its
 * sessions touch it when they start, too). The store deletes a board only if it
 * is still idle at that moment, so an op that lands meanwhile keeps it.
 */
import type { Logger } from "../observability/logger.js";
import type { BoardStore } from "../store/board-store.js";

/** Who sweeps this period: true for the one node that should. */
export type SweepLease = (periodMs: number) => Promise<boolean>;

export interface RetentionOptions {
  retentionMs: number;
  sweepMs: number;
  lease: SweepLease;
  /** Whether anyone is connected to the board (on any node). */
  inUse: (boardId: string) => Promise<boolean>;
  log: Logger;
  onDeleted?: (count: number) => void;
}

/** Boards looked at per sweep (the rest wait for the next one). */
const SWEEP_BATCH = 1_000;

export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly store: BoardStore,
    private readonly opts: RetentionOptions,
  ) {}

  start(): void {
    if (this.opts.retentionMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => undefined)
        .catch((err) => this.opts.log.warn({ err }, "retention sweep failed; retrying next period"))
        .finally(() => (this.sweeping = null));
    }, this.opts.sweepMs);
    this.timer.unref();
  }

  /** One sweep, if this node holds the lease for the period; returns the boards deleted. */
  async sweep(): Promise<number> {
    if (!(await this.opts.lease(this.opts.sweepMs))) return 0;
    const now = Date.now();
    const cutoff = now - this.opts.retentionMs;
    let deleted = 0;
    for (const boardId of await this.store.idleBoards(cutoff, SWEEP_BATCH)) {
      if (await this.opts.inUse(boardId)) {
        await this.store.touch(boardId, now);
        continue;
      }
      if (await this.store.deleteIfIdle(boardId, cutoff)) {
        deleted++;
        this.opts.log.info({ board: boardId }, "retention: idle board deleted");
      }
    }
    if (deleted) this.opts.onDeleted?.(deleted);
    return deleted;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }
}

/** The embedded node is alone: it always sweeps. */
export const soleNodeLease: SweepLease = async () => true;

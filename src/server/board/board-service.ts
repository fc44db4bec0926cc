/**
 * Accepts validated operations for boards: sequences them through the store and
 * publishes the result to the board's members. Knows nothing of sockets.
 */
import type { BoardOp, OpAck, SequencedOp } from "../../shared/protocol.js";
import { BoardFullError, type BoardStore } from "../store/board-store.js";
import type { Logger } from "../observability/logger.js";
import { ThrottledLog } from "../observability/throttled-log.js";
import { MoveRange } from "./move-range.js";
import { PageReader, type Page, type PageLimits } from "./page-reader.js";
import { StoreWrites } from "./store-writes.js";

/** Delivers sequenced ops to every member of a board, on every node. */
export type OpPublisher = (boardId: string, ops: SequencedOp[]) => void;

export class BoardService {
  /** Appends under way; a draining node waits for them. */
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** A store that refuses writes refuses every op: logged once per interval with a count. */
  private readonly failures: ThrottledLog;
  private readonly pages: PageReader;
  private readonly moves: MoveRange;

  constructor(
    private readonly store: BoardStore,
    private readonly publish: OpPublisher,
    log: Logger,
    pageLimits: PageLimits,
    /** Told of every append's outcome (a full store makes joiners read-only). */
    readonly writes = new StoreWrites(),
  ) {
    this.failures = new ThrottledLog(log);
    this.pages = new PageReader(store, pageLimits);
    this.moves = new MoveRange((boardId, since) => this.pages.read(boardId, since));
  }

  async submit(boardId: string, op: BoardOp, author: string): Promise<OpAck> {
    this.inFlight++;
    try {
      const refused = await this.moves.refusal(boardId, op);
      if (refused) return { ok: false, error: refused };
      const { stored, duplicate } = await this.store.append(boardId, { op, author, at: Date.now() });
      this.writes.accepted();
      // A duplicate was published when it was first accepted; a client that missed
      // it then catches up by seq, so it is not sent twice.
      if (!duplicate) this.publish(boardId, [stored]);
      return { ok: true, seq: stored.seq, duplicate };
    } catch (err) {
      if (err instanceof BoardFullError) return { ok: false, error: { code: "board_full", message: err.message, event: "op" } };
      this.writes.failed(err);
      this.failures.report("append", { err, board: boardId, opId: op.opId }, "append failed");
      return { ok: false, error: { code: "storage_unavailable", message: "the board could not be saved; retry later", event: "op" } };
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** One page of ops after `since`, bounded in ops and bytes (page-reader.ts). */
  read(boardId: string, since: number): Promise<Page> {
    return this.pages.read(boardId, since);
  }

  /**
   * Where a (re)connecting client's catch-up starts: after its lastSeq when the
   * board's op at that seq is the one the client holds, else from the beginning.
   */
  async catchUpFrom(boardId: string, head: number, lastSeq: number, lastOpId: string | undefined): Promise<number> {
    if (lastSeq === 0) return 0;
    if (lastSeq > head) return 0;
    if (!lastOpId) return lastSeq;
    const [atLastSeq] = await this.store.readSince(boardId, lastSeq - 1, 1);
    return atLastSeq?.seq === lastSeq && atLastSeq.op.opId === lastOpId ? lastSeq : 0;
  }

  head(boardId: string): Promise<number> {
    return this.store.head(boardId);
  }

  /** Stops the failure log's timers. */
  close(): void {
    this.failures.close();
  }

  /** Resolves once no append is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

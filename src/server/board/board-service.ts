/**
 * Accepts validated operations for boards: sequences them through the store and
 * publishes the result to the board's members; serves catch-up (snapshot, then
 * ops) and keeps boards compacted (compactor.ts). Knows nothing of sockets.
 */
import { BoardModel } from "../../shared/board-model.js";
import type { BoardOp, OpAck, SequencedOp } from "../../shared/protocol.js";
import { LIMITS } from "../../shared/protocol.js";
import { BoardFullError, StorageFullError, type BoardStore, type StoredSnapshot } from "../store/board-store.js";
import type { Logger } from "../observability/logger.js";
import { ThrottledLog } from "../observability/throttled-log.js";
import { MoveRange } from "./move-range.js";
import { PageReader, type Page, type PageLimits } from "./page-reader.js";
import { StoreWrites } from "./store-writes.js";
import { COMPACT_AT_WEIGHT, joinShouldCompact } from "./compaction-policy.js";
import { Compactor } from "./compactor.js";

/** Delivers sequenced ops to every member of a board, on every node. */
export type OpPublisher = (boardId: string, ops: SequencedOp[]) => void;

/** Where a (re)connecting client's catch-up starts. */
export interface CatchUpPlan {
  head: number;
  /** Ops after this seq follow (0 with a snapshot: the client's board is replaced). */
  from: number;
  /** Set when the client needs the board's snapshot first; ops then start after its seq. */
  snapshot: StoredSnapshot | null;
}


export class BoardService {
  /** Appends under way; a draining node waits for them. */
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** A store that refuses writes refuses every op: logged once per interval with a count. */
  private readonly failures: ThrottledLog;
  private readonly pages: PageReader;
  private readonly moves: MoveRange;
  readonly compactor: Compactor;

  constructor(
    private readonly store: BoardStore,
    private readonly publish: OpPublisher,
    private readonly log: Logger,
    pageLimits: PageLimits,
    /** Told of every append's outcome (a full store makes joiners read-only). */
    readonly writes = new StoreWrites(),
  ) {
    this.failures = new ThrottledLog(log);
    this.pages = new PageReader(store, pageLimits);
    this.moves = new MoveRange(
      (boardId, since) => this.read(boardId, since),
      (boardId) => this.store.snapshot(boardId),
    );
    this.compactor = new Compactor(store, log);
  }

  async submit(boardId: string, op: BoardOp, author: string): Promise<OpAck> {
    this.inFlight++;
    try {
      const refused = await this.moves.refusal(boardId, op);
      if (refused) return { ok: false, error: refused };
      const { stored, duplicate, board } = await this.appendMakingRoom(boardId, op, author);
      this.writes.accepted();
      // A duplicate was published when it was first accepted; a client that missed
      // it then catches up by seq, so it is not sent twice.
      if (!duplicate) this.publish(boardId, [stored]);
      if (board.tailWeight >= COMPACT_AT_WEIGHT) this.compactor.schedule(boardId);
      return { ok: true, seq: stored.seq, duplicate };
    } catch (err) {
      if (err instanceof BoardFullError) return { ok: false, error: { code: "board_full", message: err.message, event: "op" } };
      if (err instanceof StorageFullError) {
        this.writes.failed(err.cause);
        this.failures.report("append", { err: err.cause, board: boardId, opId: op.opId }, "append failed");
        return { ok: false, error: { code: "storage_full", message: err.message, event: "op" } };
      }
      this.writes.failed(err);
      this.failures.report("append", { err, board: boardId, opId: op.opId }, "append failed");
      return { ok: false, error: { code: "storage_unavailable", message: "the board could not be saved; retry later", event: "op" } };
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** A full board is compacted once (when it has history since its snapshot) before the op is refused. */
  private async appendMakingRoom(boardId: string, op: BoardOp, author: string) {
    try {
      return await this.store.append(boardId, { op, author, at: Date.now() });
    } catch (err) {
      if (!(err instanceof BoardFullError) || !(await this.compactor.compact(boardId))) throw err;
      return await this.store.append(boardId, { op, author, at: Date.now() });
    }
  }

  /**
   * One page of ops after `since`, bounded in ops and bytes (page-reader.ts); when
   * `since` is older than the board's snapshot, `snapshot` instead (no ops).
   */
  async read(boardId: string, since: number): Promise<Page> {
    const folded = async (): Promise<Page | null> => {
      const state = await this.store.state(boardId);
      return since < state.snapshotSeq ? { ops: [], head: state.head, more: false, snapshot: state.snapshotSeq, bytes: 0 } : null;
    };
    const before = await folded();
    if (before) return before;
    const page = await this.pages.read(boardId, since);
    // A compaction may have folded `since` away meanwhile: the log then starts later.
    if ((page.ops.length > 0 && page.ops[0].seq !== since + 1) || (page.ops.length === 0 && since < page.head)) return (await folded()) ?? page;
    return page;
  }

  /**
   * Where a (re)connecting client's catch-up starts: after its lastSeq when the
   * board's op at that seq is the one the client holds; else from the beginning,
   * which on a compacted board means its snapshot. A joiner that would replay a
   * long tail gets the board compacted first (compaction-policy.ts).
   */
  async catchUp(boardId: string, lastSeq: number, lastOpId: string | undefined): Promise<CatchUpPlan> {
    let state = await this.store.state(boardId);
    let from = await this.resumeFrom(boardId, state.head, state.snapshotSeq, lastSeq, lastOpId);
    // Twice at most: the first may join a compaction already under way, which
    // folded only what had arrived when it started.
    for (let tries = 0; tries < 2 && from <= state.snapshotSeq && joinShouldCompact(state); tries++) {
      if (!(await this.compactor.compact(boardId))) break;
      state = await this.store.state(boardId);
      from = await this.resumeFrom(boardId, state.head, state.snapshotSeq, lastSeq, lastOpId);
    }
    if (from >= state.snapshotSeq) return { head: state.head, from, snapshot: null };
    const snapshot = await this.store.snapshot(boardId);
    if (!snapshot) return { head: state.head, from: 0, snapshot: null }; // deleted meanwhile: a new board
    return { head: Math.max(state.head, snapshot.seq), from: 0, snapshot };
  }

  private async resumeFrom(boardId: string, head: number, snapshotSeq: number, lastSeq: number, lastOpId: string | undefined): Promise<number> {
    if (lastSeq === 0 || lastSeq > head) return 0;
    if (!lastOpId) return lastSeq;
    if (lastSeq < snapshotSeq) return 0;
    if (lastSeq === snapshotSeq) return (await this.store.snapshot(boardId))?.opId === lastOpId ? lastSeq : 0;
    const [atLastSeq] = await this.store.readSince(boardId, lastSeq - 1, 1);
    return atLastSeq?.seq === lastSeq && atLastSeq.op.opId === lastOpId ? lastSeq : 0;
  }

  /** The board as it is now: its snapshot with every op after it applied (SVG export). */
  async model(boardId: string): Promise<BoardModel> {
    for (let attempt = 0; ; attempt++) {
      const model = new BoardModel();
      const snapshot = await this.store.snapshot(boardId);
      if (snapshot) model.load(snapshot.seq, snapshot.opId, snapshot.items);
      let complete = true;
      for (;;) {
        const ops = await this.store.readSince(boardId, model.head, LIMITS.catchUpPageSize);
        if (ops.length === 0) break;
        // Compacted meanwhile: start over from the new snapshot.
        if (ops[0].seq !== model.head + 1) {
          complete = false;
          break;
        }
        for (const s of ops) model.apply(s);
      }
      if (complete || attempt >= 3) return model;
    }
  }

  /** The board's snapshot, when it was compacted. */
  snapshot(boardId: string): Promise<StoredSnapshot | null> {
    return this.store.snapshot(boardId);
  }

  head(boardId: string): Promise<number> {
    return this.store.head(boardId);
  }

  /** Stops the failure log's timers. */
  close(): void {
    this.failures.close();
  }

  /** Marks the board as in use (retention); failures only delay that. */
  touch(boardId: string): void {
    this.store.touch(boardId, Date.now()).catch((err) => this.log.debug({ err, board: boardId }, "touch failed"));
  }

  /** Resolves once no append is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/**
 * Runs compactions (compaction-policy.ts) against a store: reads the board's
 * snapshot and the ops after it, folds them, and installs the result. One at a
 * time per board on a node; across nodes the store's install is a compare-and-set
 * (a snapshot is installed only past the current one), so a race costs work, not
 * correctness.
 */
import type { SequencedOp } from "../../shared/protocol.js";
import type { Logger } from "../observability/logger.js";
import type { BoardStore } from "../store/board-store.js";
import { DEFAULT_FOLD_POLICY, fold, type FoldPolicy } from "./compaction-policy.js";

const READ_PAGE = 2_000;

export class Compactor {
  private readonly running = new Map<string, Promise<boolean>>();
  /** Compactions installed by this node (metrics). */
  installed = 0;

  constructor(
    private readonly store: BoardStore,
    private readonly log?: Logger,
    private readonly policy: FoldPolicy = DEFAULT_FOLD_POLICY,
  ) {}

  /** Compacts in the background (errors logged). */
  schedule(boardId: string): void {
    void this.compact(boardId);
  }

  /** Compacts the board now (or joins the compaction under way); true when a snapshot was installed. */
  compact(boardId: string): Promise<boolean> {
    let run = this.running.get(boardId);
    if (!run) {
      run = this.run(boardId)
        .catch((err) => {
          this.log?.warn({ err, board: boardId }, "compaction failed; the board keeps its log");
          return false;
        })
        .finally(() => this.running.delete(boardId));
      this.running.set(boardId, run);
    }
    return run;
  }

  private async run(boardId: string): Promise<boolean> {
    const before = await this.store.state(boardId);
    if (before.head <= before.snapshotSeq) return false;
    const base = await this.store.snapshot(boardId);
    const baseSeq = base?.seq ?? 0;
    const ops: SequencedOp[] = [];
    for (;;) {
      const page = await this.store.readSince(boardId, baseSeq + ops.length, READ_PAGE);
      if (page.length === 0 || page[0].seq !== baseSeq + ops.length + 1) break;
      ops.push(...page);
      if (page.length < READ_PAGE) break;
    }
    if (ops.length === 0) return false;
    const snapshot = fold(base, ops, this.policy);
    const done = await this.store.installSnapshot(boardId, snapshot);
    if (done) {
      this.installed++;
      const after = await this.store.state(boardId);
      this.log?.info({ board: boardId, seq: snapshot.seq, items: snapshot.items.length, bytesBefore: before.bytes, bytesAfter: after.bytes }, "board compacted");
    }
    return done;
  }
}

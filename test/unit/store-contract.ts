/**
 * The storage contract: every BoardStore implementation runs this suite
 * (embedded SQLite here, Redis in cluster mode).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoardModel } from "../../src/shared/board-model.js";
import type { BoardOp, SequencedOp } from "../../src/shared/protocol.js";
import { BoardFullError, type BoardStore, type StoreLimits } from "../../src/server/store/board-store.js";
import { Compactor } from "../../src/server/board/compactor.js";
import { KEEP_ALL_POLICY, fold } from "../../src/server/board/compaction-policy.js";
import { newId, strokeOp } from "../helpers/board-client.js";
import { boardOpsArb } from "../helpers/arbitraries.js";

export interface StoreHarness {
  /** A fresh store with the given limits (same backing data on each call with the same key). */
  open(limits: StoreLimits, key?: string): Promise<BoardStore>;
}

/** Every op of a store's board, read as a client would: snapshot, then the log after it. */
async function replayStored(store: BoardStore, boardId: string): Promise<BoardModel> {
  const model = new BoardModel();
  const snap = await store.snapshot(boardId);
  if (snap) model.load(snap.seq, snap.opId, snap.items);
  for (;;) {
    const ops = await store.readSince(boardId, model.head, 500);
    if (ops.length === 0) return model;
    for (const s of ops) expect(model.apply(s)).toBe(true);
  }
}

function replayAll(ops: SequencedOp[]): BoardModel {
  const model = new BoardModel();
  for (const s of ops) model.apply(s);
  return model;
}

/** A board's items as comparable data: id, author, seq, visibility and content, in drawing order. */
function itemsOf(model: BoardModel, visibleOnly = false) {
  return [...model.items.values()].filter((b) => !visibleOnly || b.visible).map((b) => ({ ...b }));
}

export function storeContract(name: string, harness: StoreHarness): void {
  describe(`BoardStore contract: ${name}`, () => {
    const limits = { maxItemsPerBoard: 50 };
    const at = 1_700_000_000_000;

    it("numbers ops 1, 2, 3 per board, independently per board", async () => {
      const store = await harness.open(limits);
      const a1 = await store.append("board-a", { op: strokeOp(), author: "alice", at });
      const a2 = await store.append("board-a", { op: strokeOp(), author: "alice", at });
      const b1 = await store.append("board-b", { op: strokeOp(), author: "bob", at });
      expect([a1.stored.seq, a2.stored.seq, b1.stored.seq]).toEqual([1, 2, 1]);
      expect(await store.head("board-a")).toBe(2);
      expect(await store.head("board-b")).toBe(1);
      expect(await store.head("never-used")).toBe(0);
      await store.close();
    });

    it("is idempotent by opId: a resend returns the original and stores nothing", async () => {
      const store = await harness.open(limits);
      const op = strokeOp();
      const first = await store.append("b", { op, author: "alice", at });
      const again = await store.append("b", { op, author: "alice", at: at + 5 });
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(again.stored).toEqual(first.stored);
      expect(await store.head("b")).toBe(1);
      expect(await store.readSince("b", 0, 100)).toHaveLength(1);
      await store.close();
    });

    it("round-trips ops exactly and reads pages after a seq", async () => {
      const store = await harness.open(limits);
      const ops: BoardOp[] = [strokeOp([1.5, -2.25, 3, 4]), { type: "remove", opId: newId(), itemIds: ["abcdefgh"] }, { type: "clear", opId: newId() }];
      for (const op of ops) await store.append("b", { op, author: "carol", at });
      const all = await store.readSince("b", 0, 100);
      expect(all.map((s) => s.op)).toEqual(ops);
      expect(all.map((s) => [s.seq, s.author, s.at])).toEqual([
        [1, "carol", at],
        [2, "carol", at],
        [3, "carol", at],
      ]);
      expect((await store.readSince("b", 1, 1)).map((s) => s.seq)).toEqual([2]);
      expect(await store.readSince("b", 3, 100)).toEqual([]);
      await store.close();
    });

    it("refuses an add beyond the item limit but still accepts other ops", async () => {
      const store = await harness.open({ maxItemsPerBoard: 2 });
      await store.append("b", { op: strokeOp(), author: "a", at });
      await store.append("b", { op: strokeOp(), author: "a", at });
      await expect(store.append("b", { op: strokeOp(), author: "a", at })).rejects.toBeInstanceOf(BoardFullError);
      const rm = await store.append("b", { op: { type: "remove", opId: newId(), itemIds: ["abcdefgh"] }, author: "a", at });
      expect(rm.stored.seq).toBe(3);
      await store.close();
    });

    it("assigns unique, gapless seqs to concurrent appends", async () => {
      const store = await harness.open({ maxItemsPerBoard: 1000 });
      const results = await Promise.all(Array.from({ length: 40 }, () => store.append("busy", { op: strokeOp(), author: "x", at })));
      expect(results.map((r) => r.stored.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      await store.close();
    });

    it("refuses adds past the byte budget with board_full; erasing still works; compaction frees the room", async () => {
      // Strokes of ~4 KB against a 256 KiB budget (the snapshot keeps up to 64 KiB of recently erased items for undo).
      const budget = 256 * 1024;
      const store = await harness.open({ maxItemsPerBoard: 1000, maxBytesPerBoard: budget });
      const big = () => strokeOp(Array.from({ length: 400 }, (_, j) => 1000.125 + j));
      const acked: SequencedOp[] = [];
      let refused: unknown;
      for (let i = 0; i < 200 && !refused; i++) {
        const op = big();
        try {
          acked.push((await store.append("b", { op, author: "a", at })).stored);
        } catch (err) {
          refused = err;
        }
      }
      expect(refused).toBeInstanceOf(BoardFullError);
      expect((refused as BoardFullError).unit).toBe("bytes");
      expect(acked.length).toBeGreaterThan(5);
      // Everything acknowledged before the refusal is stored, in order.
      expect((await store.readSince("b", 0, 1000)).map((s) => s.op.opId)).toEqual(acked.map((s) => s.op.opId));
      await store.append("b", { op: { type: "clear", opId: newId() }, author: "a", at });
      await expect(store.append("b", { op: big(), author: "a", at })).rejects.toBeInstanceOf(BoardFullError);
      expect(await new Compactor(store).compact("b")).toBe(true);
      expect((await store.state("b")).bytes).toBeLessThan(budget / 2);
      const after = await store.append("b", { op: big(), author: "a", at });
      expect(after.stored.seq).toBe(acked.length + 2);
      await store.close();
    });

    it("compaction keeps seqs, resends within the window, and catch-up from the snapshot", async () => {
      const store = await harness.open({ maxItemsPerBoard: 1000 });
      const ops = Array.from({ length: 30 }, () => strokeOp());
      for (const op of ops) await store.append("c", { op, author: "a", at });
      await store.append("c", { op: { type: "remove", opId: newId(), itemIds: ops.slice(0, 25).map((o) => o.item.id) }, author: "a", at });
      expect(await new Compactor(store).compact("c")).toBe(true);
      const state = await store.state("c");
      expect([state.head, state.snapshotSeq, state.tailWeight]).toEqual([31, 31, 0]);
      expect(await store.readSince("c", 0, 100)).toEqual([]);
      // A resend of a folded op is a duplicate, with its seq.
      const again = await store.append("c", { op: ops[3], author: "a", at });
      expect([again.duplicate, again.stored.seq]).toEqual([true, 4]);
      const next = await store.append("c", { op: strokeOp(), author: "a", at });
      expect(next.stored.seq).toBe(32);
      expect(await new Compactor(store).compact("c")).toBe(true);
      // A second compaction at the same seq is refused (another node got there first).
      const snap = (await store.snapshot("c"))!;
      expect(await store.installSnapshot("c", snap)).toBe(false);
      expect(snap.items.filter((i) => i.visible)).toHaveLength(6);
      await store.close();
    });

    it("forgets opIds past the resend window", async () => {
      const window = 300;
      const store = await harness.open({ maxItemsPerBoard: 100_000, resendWindowOps: window });
      const first = strokeOp();
      await store.append("w", { op: first, author: "a", at });
      const target = [first.item.id];
      for (let i = 0; i < window + 100; i += 100) {
        await Promise.all(Array.from({ length: 100 }, () => store.append("w", { op: { type: "move", opId: newId(), itemIds: target, dx: 1, dy: 0 }, author: "a", at })));
      }
      expect(await new Compactor(store).compact("w")).toBe(true);
      const resent = await store.append("w", { op: first, author: "a", at });
      expect(resent.duplicate).toBe(false);
      await store.close();
    });

    it("property: snapshot + tail replays to the same board as the full log", async () => {
      await fc.assert(
        fc.asyncProperty(boardOpsArb, fc.array(fc.nat(), { maxLength: 3 }), fc.boolean(), async (ops, cuts, keepAll) => {
          const store = await harness.open({ maxItemsPerBoard: 100_000 });
          const board = `p${newId()}`;
          const log: SequencedOp[] = [];
          const compactor = new Compactor(store, undefined, keepAll ? KEEP_ALL_POLICY : undefined);
          const cutAt = new Set(cuts.map((c) => c % (ops.length + 1)));
          for (let i = 0; i < ops.length; i++) {
            if (cutAt.has(i)) await compactor.compact(board);
            const r = await store.append(board, { op: ops[i], author: `a${i % 3}`, at: at + i });
            if (!r.duplicate) log.push(JSON.parse(JSON.stringify(r.stored)) as SequencedOp);
          }
          if (cutAt.has(ops.length)) await compactor.compact(board);
          const stored = await replayStored(store, board);
          const full = replayAll(log);
          expect(stored.head).toBe(full.head);
          if (keepAll) {
            expect(itemsOf(stored)).toEqual(itemsOf(full));
          } else {
            // Dropped hidden items stay gone even if the tail restores them; everything else matches.
            const snap = await store.snapshot(board);
            const dropped = new Set(snap ? fold(null, log.slice(0, snap.seq), KEEP_ALL_POLICY).items.map((i) => i.item.id).filter((id) => !snap.items.some((s) => s.item.id === id)) : []);
            const keep = (model: BoardModel) => itemsOf(model, true).filter((b) => !dropped.has(b.item.id));
            expect(keep(stored)).toEqual(keep(full));
            expect(itemsOf(stored, true).every((b) => !dropped.has(b.item.id))).toBe(true);
          }
          await store.close();
        }),
        { numRuns: Number(process.env.PROP_RUNS ?? 60) },
      );
    }, 120_000);

    it("deletes only idle boards, and reports its totals", async () => {
      const store = await harness.open(limits);
      await store.append("old", { op: strokeOp(), author: "a", at: 1000 });
      await store.append("new", { op: strokeOp(), author: "a", at: 5000 });
      await store.touch("old", 2000);
      expect((await store.totals()).boards).toBeGreaterThanOrEqual(2);
      expect(await store.idleBoards(3000, 10)).toContain("old");
      expect(await store.idleBoards(3000, 10)).not.toContain("new");
      expect(await store.deleteIfIdle("new", 3000)).toBe(false);
      expect(await store.deleteIfIdle("old", 3000)).toBe(true);
      expect(await store.deleteIfIdle("old", 3000)).toBe(false);
      expect(await store.head("old")).toBe(0);
      expect(await store.readSince("old", 0, 10)).toEqual([]);
      expect(await store.idleBoards(3000, 10)).not.toContain("old");
      // A deleted board opens as a new, empty one.
      expect((await store.append("old", { op: strokeOp(), author: "a", at: 6000 })).stored.seq).toBe(1);
      await store.close();
    });

    it("keeps everything across a reopen", async () => {
      const key = newId();
      const store = await harness.open(limits, key);
      const op = strokeOp();
      await store.append("kept", { op, author: "a", at });
      await store.close();
      const reopened = await harness.open(limits, key);
      expect((await reopened.readSince("kept", 0, 10)).map((s) => s.op)).toEqual([op]);
      expect((await reopened.append("kept", { op, author: "a", at })).duplicate).toBe(true);
      await reopened.close();
    });
  });
}

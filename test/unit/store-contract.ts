/**
 * The storage contract: every BoardStore implementation runs this suite
 * (embedded SQLite here, Redis in cluster mode).
 */
import { describe, expect, it } from "vitest";
import type { BoardOp } from "../../src/shared/protocol.js";
import { BoardFullError, type BoardStore } from "../../src/server/store/board-store.js";
import { newId, strokeOp } from "../helpers/board-client.js";

export interface StoreHarness {
  /** A fresh store with the given item limit (same backing data on each call with the same key). */
  open(limits: { maxItemsPerBoard: number }, key?: string): Promise<BoardStore>;
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

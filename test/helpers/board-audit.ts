/**
 * What a board holds in storage, and how it compares with what its clients were
 * told: every acknowledged op stored once at its acknowledged seq, seqs without
 * gaps, every client's board equal to the stored one.
 */
import { createClient } from "redis";
import type { SequencedOp } from "../../src/shared/protocol.js";
import { LIMITS } from "../../src/shared/protocol.js";
import { BoardModel as BoardModelClass, type BoardModel } from "../../src/shared/board-model.js";
import { RedisBoardStore } from "../../src/server/store/redis-store.js";

/** The board's whole log as Redis holds it, read through the store's own code. */
export async function storedLog(redisUrl: string, boardId: string): Promise<SequencedOp[]> {
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  try {
    const store = new RedisBoardStore(redis, { maxItemsPerBoard: LIMITS.maxItemsPerBoard });
    const log: SequencedOp[] = [];
    for (;;) {
      const page = await store.readSince(boardId, log.at(-1)?.seq ?? 0, 5_000);
      log.push(...page);
      if (page.length < 5_000) return log;
    }
  } finally {
    await redis.close();
  }
}

export interface Audit {
  head: number;
  /** Seqs that are not 1, 2, 3, … in order. */
  seqGaps: number[];
  /** opIds stored more than once. */
  duplicated: string[];
  /** Acknowledged opIds missing from storage or stored at another seq. */
  lost: string[];
  acknowledged: number;
}

export function audit(log: SequencedOp[], acked: Iterable<[opId: string, seq: number]>): Audit {
  const seqGaps = log.filter((s, i) => s.seq !== i + 1).map((s) => s.seq);
  const seen = new Map<string, number>();
  const duplicated: string[] = [];
  for (const s of log) {
    if (seen.has(s.op.opId)) duplicated.push(s.op.opId);
    seen.set(s.op.opId, s.seq);
  }
  const lost: string[] = [];
  let acknowledged = 0;
  for (const [opId, seq] of acked) {
    acknowledged++;
    if (seen.get(opId) !== seq) lost.push(opId);
  }
  return { head: log.at(-1)?.seq ?? 0, seqGaps, duplicated, lost, acknowledged };
}

/** A client's board as (item id → seq of its add), to compare with the stored log's. */
export function itemsBySeq(model: BoardModel): Array<[string, number]> {
  return [...model.items].map(([id, b]) => [id, b.seq]);
}

export function storedItemsBySeq(log: SequencedOp[]): Array<[string, number]> {
  const out = new Map<string, number>();
  for (const s of log) if (s.op.type === "add" && !out.has(s.op.item.id)) out.set(s.op.item.id, s.seq);
  return [...out];
}

/** A compacted board as Redis holds it: snapshot seq, the log after it, and every opId it still knows (resend window). */
export interface StoredBoard {
  snapshotSeq: number;
  tail: SequencedOp[];
  opSeqs: Map<string, number>;
  model: BoardModel;
}

export async function storedBoard(redisUrl: string, boardId: string, prefix = "mb"): Promise<StoredBoard> {
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  try {
    const store = new RedisBoardStore(redis, { maxItemsPerBoard: LIMITS.maxItemsPerBoard }, prefix);
    const snapshot = await store.snapshot(boardId);
    const model = new BoardModelClass();
    if (snapshot) model.load(snapshot.seq, snapshot.opId, snapshot.items);
    const tail: SequencedOp[] = [];
    for (;;) {
      const page = await store.readSince(boardId, tail.at(-1)?.seq ?? snapshot?.seq ?? 0, 5_000);
      tail.push(...page);
      if (page.length < 5_000) break;
    }
    for (const s of tail) model.apply(s);
    const ids = await redis.hGetAll(`${prefix}:{${boardId}}:ids`);
    return { snapshotSeq: snapshot?.seq ?? 0, tail, opSeqs: new Map(Object.entries(ids).map(([k, v]) => [k, Number(v)])), model };
  } finally {
    await redis.close();
  }
}

/** The audit of a board that may be compacted: the tail follows the snapshot without gaps, every acknowledged op known at its seq. */
export function auditStored(board: StoredBoard, acked: Iterable<[opId: string, seq: number]>): Audit {
  const seqGaps = board.tail.filter((s, i) => s.seq !== board.snapshotSeq + i + 1).map((s) => s.seq);
  const seen = new Set<string>();
  const duplicated: string[] = [];
  for (const s of board.tail) {
    if (seen.has(s.op.opId)) duplicated.push(s.op.opId);
    seen.add(s.op.opId);
  }
  const lost: string[] = [];
  let acknowledged = 0;
  for (const [opId, seq] of acked) {
    acknowledged++;
    if (board.opSeqs.get(opId) !== seq) lost.push(opId);
  }
  return { head: board.model.head, seqGaps, duplicated, lost, acknowledged };
}

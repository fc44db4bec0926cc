/**
 * The audit every fault test ends with: stop drawing, wait for every outbox to
 * empty, then seqs follow each other, nothing is stored twice, every acknowledged
 * op is stored at its seq, every op drawn was acknowledged, and every drawer's
 * board equals the one in Redis. Reads a compacted board through its snapshot.
 */
import { expect } from "vitest";
import { auditStored, itemsBySeq, storedBoard } from "./board-audit.js";
import type { Drawer } from "./drawer.js";

export async function expectNothingLostOrDuplicated(
  redisUrl: string,
  board: string,
  ds: Drawer[],
  { settleMs = 30_000, headMs }: { settleMs?: number; headMs?: number } = {},
): Promise<{ head: number; acknowledged: number }> {
  for (const d of ds) d.stop();
  await Promise.all(ds.map((d) => d.settled(settleMs)));
  const stored = await storedBoard(redisUrl, board);
  const result = auditStored(
    stored,
    ds.flatMap((d) => [...d.acked]),
  );
  expect(result.seqGaps).toEqual([]);
  expect(result.duplicated).toEqual([]);
  expect(result.lost).toEqual([]);
  for (const d of ds) {
    expect(d.rejected).toEqual([]);
    expect(d.regressions, `${d.opts.name}: the server never went back behind what it acknowledged`).toEqual([]);
    expect(d.acked.size, `${d.opts.name}: every op drawn is acknowledged`).toBe(d.drawn.length);
  }
  await Promise.all(ds.map((d) => d.waitForHead(result.head, headMs)));
  const storedItems = itemsBySeq(stored.model);
  for (const d of ds) expect(itemsBySeq(d.model), `${d.opts.name}'s board`).toEqual(storedItems);
  return { head: result.head, acknowledged: result.acknowledged };
}

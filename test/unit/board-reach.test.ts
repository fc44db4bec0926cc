import { describe, expect, it } from "vitest";
import { BoardReach } from "../../src/server/cluster/board-reach.js";

/** A reach whose host counts the test answers by hand. */
function harness(maxAgeMs = 1_000) {
  let now = 0;
  const asked: Array<{ boardId: string; answer: (n: number) => void; fail: () => void }> = [];
  const reach = new BoardReach({
    maxAgeMs,
    now: () => now,
    countHosts: (boardId) =>
      new Promise<number>((resolve, reject) => asked.push({ boardId, answer: resolve, fail: () => reject(new Error("down")) })),
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { reach, asked, settle, advance: (ms: number) => (now += ms) };
}

describe("BoardReach", () => {
  it("says shared until it knows, then what Redis said, asking again only when the reading is old", async () => {
    const { reach, asked, settle, advance } = harness();
    expect(reach.shared("b1")).toBe(true);
    expect(reach.shared("b1")).toBe(true);
    expect(asked).toHaveLength(1); // one question at a time
    asked[0].answer(1);
    await settle();
    expect(reach.shared("b1")).toBe(false);
    advance(999);
    expect(reach.shared("b1")).toBe(false);
    expect(asked).toHaveLength(1);
    advance(2);
    expect(reach.shared("b1")).toBe(false); // the old reading, while asking anew
    expect(asked).toHaveLength(2);
    asked[1].answer(2);
    await settle();
    expect(reach.shared("b1")).toBe(true);
  });

  it("counts a board no node has subscribed yet as shared, and a failed question too", async () => {
    const { reach, asked, settle, advance } = harness();
    reach.shared("b1");
    asked[0].answer(0);
    await settle();
    expect(reach.shared("b1")).toBe(true);
    reach.shared("b2");
    asked[1].answer(1);
    await settle();
    expect(reach.shared("b2")).toBe(false);
    advance(1_001);
    reach.shared("b2");
    asked[2].fail();
    await settle();
    expect(reach.shared("b2")).toBe(true);
  });

  it("forgets boards that stopped drawing", async () => {
    const { reach, asked, settle, advance } = harness(10);
    reach.shared("old");
    asked[0].answer(1);
    await settle();
    advance(601);
    reach.shared("new");
    expect(reach.size).toBe(1);
  });
});

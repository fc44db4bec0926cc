/**
 * Live previews (docs/protocol.md, "Live previews"): the schema refuses bad
 * previews with a readable reason, the node's batcher keeps each author's latest
 * per kind and sends them in the board's flush, the client paces them on the ink
 * clock replacing earlier ones, and the receiving state replaces, clears and
 * forgets them as the protocol says.
 */
import { describe, expect, it } from "vitest";
import { DraftBatcher, deliverDrafts, type DraftFlush } from "../../src/server/realtime/draft-batcher.js";
import { CONGESTED_ROOM } from "../../src/server/realtime/slow-clients.js";
import type { MeshServer } from "../../src/server/realtime/types.js";
import { InkPacer } from "../../src/shared/client/ink-pacer.js";
import { PreviewState } from "../../src/shared/client/preview-state.js";
import { LIMITS, describeIssues, previewSchema, type PeerPreview, type Preview, type Shape } from "../../src/shared/protocol.js";
import { manualTimers } from "../helpers/manual-timers.js";

const rect = (x2: number, id = "shape-0001"): Shape => ({ kind: "shape", id, shape: "rect", color: "#e03131", width: 2, x1: 0, y1: 0, x2, y2: 50 });

describe("preview schema", () => {
  it("accepts every kind", () => {
    const ok: Preview[] = [
      { kind: "shape", item: rect(10) },
      { kind: "move", itemIds: ["item-0001"], dx: 3, dy: -4 },
      { kind: "text", item: { kind: "text", id: "text-0001", color: "#000000", size: 20, x: 1, y: 2, text: "" } },
      { kind: "selection", itemIds: ["item-0001", "item-0002"] },
      { kind: "clear", of: "selection" },
    ];
    for (const p of ok) expect(previewSchema.safeParse(p).success).toBe(true);
  });

  it("refuses bad previews with a reason a person can read", () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ kind: "lasso" }, /kind/],
      [{ kind: "shape", item: { ...rect(10), color: "red" } }, /colours are #rrggbb/],
      [{ kind: "move", itemIds: [], dx: 1, dy: 1 }, /itemIds/],
      [{ kind: "move", itemIds: ["item-0001"], dx: Number.NaN, dy: 1 }, /dx/],
      [{ kind: "selection", itemIds: Array.from({ length: LIMITS.maxTargetsPerOp + 1 }, (_, i) => `item-${String(i).padStart(5, "0")}`) }, /itemIds/],
      [{ kind: "text", item: { kind: "text", id: "text-0001", color: "#000000", size: 20, x: 1, y: 2, text: "x".repeat(LIMITS.maxTextLength + 1) } }, /item\.text/],
      [{ kind: "clear", of: "everything" }, /of/],
      [null, /payload/],
    ];
    for (const [payload, reason] of bad) {
      const r = previewSchema.safeParse(payload);
      expect(r.success).toBe(false);
      if (!r.success) expect(describeIssues(r.error)).toMatch(reason);
    }
  });
});

describe("previews in the node's batcher", () => {
  function harness() {
    const flushed: Array<DraftFlush<string>> = [];
    const { setTimer, clearTimer, fire } = manualTimers();
    const batcher = new DraftBatcher<string>({ flushMs: 33, phaseMs: 0, deliver: (f) => flushed.push(f), setTimer, clearTimer });
    return { batcher, flushed, fire };
  }

  it("keeps each author's latest preview per kind until the flush, in arrival order", () => {
    const { batcher, flushed, fire } = harness();
    batcher.preview("b1", { sessionId: "alice", kind: "shape", item: rect(10) });
    batcher.preview("b1", { sessionId: "bob", kind: "selection", itemIds: ["item-0001"] });
    batcher.preview("b1", { sessionId: "alice", kind: "shape", item: rect(20) });
    batcher.preview("b1", { sessionId: "alice", kind: "clear", of: "selection" });
    expect(flushed).toHaveLength(0);
    fire();
    expect(flushed).toHaveLength(1);
    expect(flushed[0].drafts).toEqual([]);
    expect(flushed[0].previews).toEqual([
      { sessionId: "bob", kind: "selection", itemIds: ["item-0001"] },
      { sessionId: "alice", kind: "shape", item: rect(20) },
      { sessionId: "alice", kind: "clear", of: "selection" },
    ]);
  });

  it("a clear replaces the author's pending preview of that kind (it was never seen)", () => {
    const { batcher, flushed, fire } = harness();
    batcher.preview("b1", { sessionId: "alice", kind: "move", itemIds: ["item-0001"], dx: 1, dy: 1 });
    batcher.preview("b1", { sessionId: "alice", kind: "clear", of: "move" });
    fire();
    expect(flushed[0].previews).toEqual([{ sessionId: "alice", kind: "clear", of: "move" }]);
  });

  it("go to the whole board as one `previews` message, congested clients left out; no empty `drafts`", () => {
    const emitted: Array<{ to: string; except: string[]; event: string; payload: unknown }> = [];
    const io = {
      to: (to: string) => ({ except: (except: string | string[]) => ({ emit: (event: string, payload: unknown) => emitted.push({ to, except: [except].flat(), event, payload }) }) }),
    } as unknown as MeshServer;
    const previews: PeerPreview[] = [{ sessionId: "alice", kind: "selection", itemIds: ["item-0001"] }];
    deliverDrafts(io, { boardId: "b1", drafts: [], senders: new Map(), previews });
    expect(emitted).toEqual([{ to: "board:b1", except: [CONGESTED_ROOM], event: "previews", payload: previews }]);
  });
});

describe("previews on the client's ink clock", () => {
  it("wait for the tick; a later one of a kind replaces the earlier", () => {
    let now = 1_000_000;
    const timers: Array<() => void> = [];
    const sent: Preview[] = [];
    const pacer = new InkPacer(
      () => undefined,
      { now: () => now, set: (fn) => timers.push(fn), clear: () => undefined },
      (p) => sent.push(p),
    );
    pacer.setClock({ periodMs: 33 }, 0, 0);
    pacer.pushPreview({ kind: "shape", item: rect(10) });
    pacer.pushPreview({ kind: "selection", itemIds: ["item-0001"] });
    pacer.pushPreview({ kind: "shape", item: rect(30) });
    expect(sent).toEqual([]);
    now += 33;
    timers.shift()!();
    expect(sent).toEqual([
      { kind: "selection", itemIds: ["item-0001"] },
      { kind: "shape", item: rect(30) },
    ]);
  });

  it("without a clock, leave at once", () => {
    const sent: Preview[] = [];
    const pacer = new InkPacer(() => undefined, undefined, (p) => sent.push(p));
    pacer.pushPreview({ kind: "clear", of: "text" });
    expect(sent).toEqual([{ kind: "clear", of: "text" }]);
  });
});

describe("PreviewState (what a client shows of others' previews)", () => {
  it("replaces per author and kind, and clears one kind", () => {
    const s = new PreviewState();
    expect(s.accept({ sessionId: "a", kind: "shape", item: rect(10) })).toBe(true);
    s.accept({ sessionId: "a", kind: "shape", item: rect(20) });
    s.accept({ sessionId: "a", kind: "selection", itemIds: ["item-0001"] });
    s.accept({ sessionId: "b", kind: "shape", item: rect(5, "shape-0002") });
    expect(s.size).toBe(3);
    expect([...s.entries()].find((e) => e.sessionId === "a" && e.preview.kind === "shape")?.preview).toEqual({ kind: "shape", item: rect(20) });
    expect(s.accept({ sessionId: "a", kind: "clear", of: "shape" })).toBe(true);
    expect(s.accept({ sessionId: "a", kind: "clear", of: "shape" })).toBe(false);
    expect([...s.entries()].map((e) => `${e.sessionId}:${e.preview.kind}`)).toEqual(["a:selection", "b:shape"]);
  });

  it("drops a shape or text preview when its item is committed", () => {
    const s = new PreviewState();
    s.accept({ sessionId: "a", kind: "shape", item: rect(10, "shape-0001") });
    s.accept({ sessionId: "a", kind: "selection", itemIds: ["shape-0001"] });
    expect(s.dropItem("other-0001")).toBe(false);
    expect(s.dropItem("shape-0001")).toBe(true);
    expect([...s.entries()].map((e) => e.preview.kind)).toEqual(["selection"]);
  });

  it("forgets everything of a session that left", () => {
    const s = new PreviewState();
    s.accept({ sessionId: "a", kind: "move", itemIds: ["item-0001"], dx: 1, dy: 2 });
    s.accept({ sessionId: "b", kind: "selection", itemIds: ["item-0001"] });
    expect(s.retainSessions(new Set(["b"]))).toBe(true);
    expect(s.retainSessions(new Set(["b"]))).toBe(false);
    expect([...s.entries()].map((e) => e.sessionId)).toEqual(["b"]);
  });
});

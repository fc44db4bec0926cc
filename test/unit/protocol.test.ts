import { describe, expect, it } from "vitest";
import { BOARD_ID_PATTERN, isValidBoardId } from "../../src/shared/constants.js";
import { BoardModel } from "../../src/shared/board-model.js";
import { LIMITS, PROTOCOL_VERSION, boardOpSchema, checkServerAck, checkServerPayload, draftSchema, handshakeAuthSchema } from "../../src/shared/protocol.js";
import { newBoardId } from "../../src/server/board/board-id.js";
import { newId, strokeOp } from "../helpers/board-client.js";

describe("operation validation", () => {
  it("accepts a well-formed stroke", () => {
    expect(boardOpSchema.safeParse(strokeOp()).success).toBe(true);
  });

  it.each([
    ["NaN coordinate", [1, Number.NaN]],
    ["Infinity", [1, Number.POSITIVE_INFINITY]],
    ["out of bounds", [0, LIMITS.maxCoordinate + 1]],
    ["odd length", [1, 2, 3]],
    ["strings", ["1", "2"]],
    ["empty", []],
    ["too many points", Array.from({ length: LIMITS.maxPointsPerStroke * 2 + 2 }, () => 1)],
  ])("rejects points: %s", (_label, points) => {
    const op = strokeOp();
    (op.item as { points: unknown }).points = points;
    expect(boardOpSchema.safeParse(op).success).toBe(false);
  });

  it("rejects bad colours, widths, ids and unknown op types", () => {
    const bad = [
      { ...strokeOp(), item: { ...strokeOp().item, color: "red" } },
      { ...strokeOp(), item: { ...strokeOp().item, color: "#12345g" } },
      { ...strokeOp(), item: { ...strokeOp().item, width: 0 } },
      { ...strokeOp(), item: { ...strokeOp().item, width: LIMITS.maxWidth + 1 } },
      { ...strokeOp(), opId: "short" },
      { ...strokeOp(), opId: "has spaces in it" },
      { type: "explode", opId: newId() },
      { type: "remove", opId: newId(), itemIds: [] },
      null,
      "add",
    ];
    for (const b of bad) expect(boardOpSchema.safeParse(b).success, JSON.stringify(b)).toBe(false);
  });

  it("drops prototype-pollution keys instead of copying them", () => {
    const raw = JSON.parse(`{"type":"clear","opId":"${newId()}","__proto__":{"polluted":true},"constructor":{"x":1}}`);
    const parsed = boardOpSchema.parse(raw);
    expect(Object.keys(parsed).sort()).toEqual(["opId", "type"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("bounds drafts and defaults the handshake", () => {
    expect(draftSchema.safeParse({ itemId: newId(), color: "#000000", width: 2, from: 0, points: [1, 2] }).success).toBe(true);
    expect(
      draftSchema.safeParse({ itemId: newId(), color: "#000000", width: 2, from: 0, points: Array(LIMITS.maxDraftPoints * 2 + 2).fill(0) }).success,
    ).toBe(false);
    expect(handshakeAuthSchema.parse({ protocol: 1, clientId: newId() })).toMatchObject({ lastSeq: 0, name: "" });
    expect(handshakeAuthSchema.safeParse({ protocol: 1, clientId: newId(), lastSeq: -1 }).success).toBe(false);
  });
});

describe("board ids", () => {
  it("generates unguessable ids that the board pattern accepts", () => {
    const ids = new Set(Array.from({ length: 1000 }, newBoardId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{10,}$/);
      expect(BOARD_ID_PATTERN.test(id)).toBe(true);
    }
  });

  it("rejects ids outside [A-Za-z0-9_-]{1,64}", () => {
    for (const bad of ["", "a".repeat(65), "../etc", "a b", "é", "<script>", null, 42]) expect(isValidBoardId(bad)).toBe(false);
    expect(isValidBoardId("a".repeat(64))).toBe(true);
  });
});

describe("BoardModel", () => {
  const seq = (n: number, op: ReturnType<typeof strokeOp> | Parameters<BoardModel["apply"]>[0]["op"], author = "alice") => ({ seq: n, op, author, at: 0 });

  it("applies ops strictly in seq order", () => {
    const m = new BoardModel();
    const a = strokeOp();
    expect(m.apply(seq(2, strokeOp()))).toBe(false);
    expect(m.apply(seq(1, a))).toBe(true);
    expect(m.apply(seq(1, a))).toBe(false);
    expect(m.head).toBe(1);
    expect(m.visibleIds()).toEqual([a.item.id]);
  });

  it("removes, restores and clears", () => {
    const m = new BoardModel();
    const a = strokeOp();
    const b = strokeOp();
    m.apply(seq(1, a));
    m.apply(seq(2, b));
    m.apply(seq(3, { type: "remove", opId: newId(), itemIds: [a.item.id, "unknownid"] }));
    expect(m.visibleIds()).toEqual([b.item.id]);
    m.apply(seq(4, { type: "restore", opId: newId(), itemIds: [a.item.id] }));
    expect(m.visibleIds()).toEqual([a.item.id, b.item.id]);
    m.apply(seq(5, { type: "clear", opId: newId() }));
    expect(m.visibleIds()).toEqual([]);
    m.apply(seq(6, { type: "restore", opId: newId(), itemIds: [b.item.id] }));
    expect(m.visibleItems()).toEqual([b.item]);
  });

  it("keeps the first item when an id is added twice", () => {
    const m = new BoardModel();
    const a = strokeOp();
    const clash = { ...strokeOp(), item: { ...strokeOp().item, id: a.item.id, color: "#ff0000" } };
    m.apply(seq(1, a));
    m.apply(seq(2, clash));
    expect(m.visibleItems()).toEqual([a.item]);
  });
});

describe("checking what the server sent", () => {
  const welcome = {
    protocol: PROTOCOL_VERSION,
    boardId: "board-1",
    node: "node-1",
    sessionId: "session-1",
    head: 3,
    from: 0,
    readOnly: false,
    limits: LIMITS,
    ink: { periodMs: 33 },
  };

  it("accepts a payload as the protocol describes it", () => {
    expect(checkServerPayload("welcome", welcome)).toBeNull();
    expect(checkServerPayload("cursors", [{ sessionId: "session-1", cursor: null }])).toBeNull();
    expect(checkServerAck("op", { ok: false, error: { code: "rate_limited", message: "slow down", event: "op" } })).toBeNull();
    expect(checkServerAck("clock", { now: 1 })).toBeNull();
  });

  it.each([
    ["an unknown event", "welcomed", welcome, /unknown server event "welcomed"/],
    ["a field the protocol does not have", "welcome", { ...welcome, extra: 1 }, /welcome: payload: Unrecognized key/],
    ["a missing field", "welcome", { ...welcome, ink: undefined }, /welcome: ink:/],
    ["a limit missing", "welcome", { ...welcome, limits: { ...LIMITS, maxNameLength: undefined } }, /limits\.maxNameLength/],
    ["an error code the protocol does not have", "error", { code: "oops", message: "?" }, /error: code:/],
    ["ops out of shape", "ops", [{ seq: 0, op: {}, author: "a", at: 1 }], /ops: 0\.seq/],
  ])("names the problem: %s", (_what, event, payload, problem) => {
    expect(checkServerPayload(event, payload)).toMatch(problem);
  });

  it("checks acknowledgements by the event they answer", () => {
    expect(checkServerAck("draft", {})).toMatch(/has no acknowledgement/);
    expect(checkServerAck("sync", { ops: [], head: 0 })).toMatch(/^sync ack: /);
  });
});

/**
 * Shapes, texts, moves and edits on a real node with real socket.io clients: each
 * new operation reaches the other client, is refused when malformed, survives a
 * restart, undoes with its inverse op, and catches up after a reconnect; the same
 * across the nodes of a cluster, through a failover. Then the board as SVG at
 * GET /b/<id>.svg.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalCluster } from "../../scripts/local-cluster.js";
import { BoardAccess } from "../../src/server/access/board-access.js";
import { SVG_CSP, boardSvgPath } from "../../src/shared/http-api.js";
import { LIMITS, type BoardOp, type Item } from "../../src/shared/protocol.js";
import { BoardClient, ClientPool, connect, editOp, moveOp, newId, shapeOp, strokeOp, textOp, type BoardClientOptions } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
const clients = new ClientPool();
const join = (boardId: string, opts?: BoardClientOptions, url = server.url) => clients.join(url, boardId, opts);

async function submitAll(c: BoardClient, ops: BoardOp[]): Promise<void> {
  for (const op of ops) expect(await c.submit(op), op.type).toMatchObject({ ok: true });
}

function itemOf(c: BoardClient, id: string): Item | undefined {
  return c.model.items.get(id)?.item;
}

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  clients.closeAll();
  await server?.stop();
});

describe("new operations between two clients", () => {
  it("delivers shapes of every kind and a text to the other client", async () => {
    const board = newId();
    const [a, b] = await Promise.all([join(board), join(board)]);
    const ops = [shapeOp("line"), shapeOp("arrow"), shapeOp("rect"), shapeOp("ellipse"), textOp("hello\nworld")];
    await submitAll(a, ops);
    await b.waitForHead(ops.length);
    expect(b.model.visibleItems()).toEqual(ops.map((o) => o.item));
  });

  it("moves and edits reach the other client, and their inverses (undo) do too", async () => {
    const board = newId();
    const [a, b] = await Promise.all([join(board), join(board)]);
    const rect = shapeOp("rect", [0, 0, 100, 50]);
    const text = textOp("draft", 10, 10);
    await submitAll(a, [rect, text, moveOp([rect.item.id, text.item.id], 30, -5), editOp(text.item.id, "final")]);
    await b.waitForHead(4);
    expect(itemOf(b, rect.item.id)).toMatchObject({ x1: 30, y1: -5, x2: 130, y2: 45 });
    expect(itemOf(b, text.item.id)).toMatchObject({ x: 40, y: 5, text: "final" });
    // Undo, as the client's history issues it: the edit back, then the opposite move.
    await submitAll(a, [editOp(text.item.id, "draft"), moveOp([rect.item.id, text.item.id], -30, 5)]);
    await b.waitForHead(6);
    expect(b.model.visibleItems()).toEqual([rect.item, text.item]);
  });

  it("duplicates are adds of copies: undoing them removes only the copies", async () => {
    const board = newId();
    const [a, b] = await Promise.all([join(board), join(board)]);
    const original = shapeOp("ellipse");
    const copyItem = { ...original.item, id: newId() };
    await submitAll(a, [original, { type: "add", opId: newId(), item: copyItem }]);
    await b.waitForHead(2);
    expect(b.visibleIds()).toHaveLength(2);
    await submitAll(a, [{ type: "remove", opId: newId(), itemIds: [copyItem.id] }]);
    await b.waitForHead(3);
    expect(b.visibleIds()).toEqual([original.item.id]);
  });

  it("refuses malformed shapes, texts, moves and edits with invalid_payload and stores nothing", async () => {
    const board = newId();
    const a = await join(board);
    const long = textOp("x".repeat(LIMITS.maxTextLength + 1));
    const bad: unknown[] = [
      long,
      { ...shapeOp(), item: { ...shapeOp().item, shape: "star" } },
      moveOp([], 1, 1),
      { ...moveOp([newId()], 1, 1), dx: "1" },
      editOp(newId(), ""),
    ];
    for (const op of bad) {
      const ack = await a.submit(op as BoardOp);
      expect(ack, JSON.stringify(op).slice(0, 80)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    }
    const tooLong = await a.submit(long);
    expect(!tooLong.ok && tooLong.error.message).toContain(`a text holds at most ${LIMITS.maxTextLength} characters`);
    expect(a.model.head).toBe(0);
  });

  it("catches a reconnecting client up on shapes, texts, moves and edits it missed", async () => {
    const board = newId();
    const [a, b] = await Promise.all([join(board), join(board)]);
    const rect = shapeOp("rect");
    await submitAll(a, [rect]);
    await b.waitForHead(1);
    b.socket.disconnect();
    const text = textOp("while you were away");
    await submitAll(a, [text, moveOp([rect.item.id], 5, 5), editOp(text.item.id, "welcome back")]);
    b.socket.connect();
    await b.ready();
    expect(b.model.head).toBe(4);
    expect(b.model.visibleItems()).toEqual(a.model.visibleItems());
    expect(itemOf(b, text.item.id)).toMatchObject({ text: "welcome back" });
    // Only what it missed was sent again.
    expect(b.received.filter((s) => s.seq === 1)).toHaveLength(1);
  });
});

describe("restart", () => {
  it("keeps shapes, texts, moves and edits across a restart", async () => {
    const first = await startServer();
    const board = newId();
    const a = await connect(first.url, board);
    const rect = shapeOp("arrow");
    const text = textOp("persist me");
    await submitAll(a, [strokeOp(), rect, text, moveOp([rect.item.id], 1, 2), editOp(text.item.id, "persisted")]);
    const expected = a.model.visibleItems();
    a.close();
    expect(await first.stop()).toBe(0);
    const second = await startServer({ dataDir: first.dataDir });
    try {
      const late = await connect(second.url, board);
      expect(late.model.visibleItems()).toEqual(expected);
      expect(itemOf(late, text.item.id)).toMatchObject({ text: "persisted" });
      late.close();
    } finally {
      await second.stop();
    }
  });
});

describe("cluster mode", () => {
  it("syncs shapes, texts, moves and edits across nodes, survives the loss of the node that took them, and renders on any node", async () => {
    const c = await startLocalCluster({ routing: "cookie", nodes: 2 });
    try {
      const board = newId();
      const a = await connect(c.nodes[0].url, board, { reconnection: false });
      const b = await connect(c.nodes[1].url, board);
      clients.add(a, b);
      const rect = shapeOp("rect", [0, 0, 40, 40]);
      const text = textOp("across nodes");
      await submitAll(a, [rect, text, moveOp([rect.item.id], 10, 0), editOp(text.item.id, "across the cluster")]);
      await b.waitForHead(4);
      expect(b.model.visibleItems()).toEqual(a.model.visibleItems());
      await c.nodes[0].kill();
      // The undo of the edit, from the other node, after the first is gone.
      expect(await b.submit(editOp(text.item.id, "across nodes"))).toMatchObject({ ok: true, seq: 5 });
      const late = await connect(c.nodes[1].url, board);
      clients.add(late);
      expect(late.model.visibleItems()).toEqual([{ ...rect.item, x1: 10, x2: 50 }, text.item]);
      const svg = await (await fetch(`${c.nodes[1].url}${boardSvgPath(board)}`)).text();
      expect(svg).toContain(">across nodes</tspan>");
    } finally {
      await c.stop();
    }
  });
});

describe("GET /b/<id>.svg", () => {
  it("serves the current board as SVG, with a strict policy, and the board page still at /b/<id>", async () => {
    const board = newId();
    const a = await join(board);
    const rect = shapeOp("rect", [0, 0, 200, 100]);
    const text = textOp(`<script>alert("x")</script>`);
    const gone = shapeOp("ellipse");
    await submitAll(a, [rect, text, gone, { type: "remove", opId: newId(), itemIds: [gone.item.id] }]);
    const res = await fetch(`${server.url}${boardSvgPath(board)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe(SVG_CSP);
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<rect x="0" y="0" width="200" height="100"');
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("<ellipse");
    const page = await fetch(`${server.url}/b/${board}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("answers 304 while the board is unchanged, and a new picture once it changes", async () => {
    const board = newId();
    const a = await join(board);
    await submitAll(a, [shapeOp("line")]);
    const first = await fetch(`${server.url}${boardSvgPath(board)}`);
    const etag = first.headers.get("etag")!;
    expect(etag).toBe('"seq-1"');
    const again = await fetch(`${server.url}${boardSvgPath(board)}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    await submitAll(a, [textOp("more")]);
    const changed = await fetch(`${server.url}${boardSvgPath(board)}`, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain(">more</tspan>");
  });

  it("refuses ids that are not board ids", async () => {
    for (const bad of ["a.b", "x".repeat(65), "%3Cscript%3E"]) {
      const r = await fetch(`${server.url}/b/${bad}.svg`);
      expect(r.status, bad).toBe(400);
    }
  });

  it("needs a board link's token when access control is on", async () => {
    const secret = "s".repeat(40);
    const guarded = await startServer({ env: { ACCESS_SECRET: secret } });
    try {
      const access = new BoardAccess(secret);
      const board = newId();
      expect((await fetch(`${guarded.url}${boardSvgPath(board)}`)).status).toBe(403);
      const viewer = await fetch(`${guarded.url}${boardSvgPath(board)}?t=${access.token(board, "view")}`);
      expect(viewer.status).toBe(200);
      const otherBoard = await fetch(`${guarded.url}${boardSvgPath(newId())}?t=${access.token(board, "view")}`);
      expect(otherBoard.status).toBe(403);
    } finally {
      await guarded.stop();
    }
  });
});

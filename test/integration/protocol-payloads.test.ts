/**
 * Everything a real node sends, checked against the protocol's schemas
 * (src/shared/protocol.ts): every server-to-client event and every
 * acknowledgement, captured from clients that do what clients do (join, draw,
 * point, rename, ask for the clock and for pages, send something wrong), up to
 * the node's drain. A payload the server sends and the schemas do not describe
 * (a new field, a renamed one, a wrong type) fails here.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import {
  PROTOCOL_VERSION,
  checkServerAck,
  checkServerPayload,
  serverEventSchemas,
  type BoardOp,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "../../src/shared/protocol.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const newId = () => randomBytes(12).toString("base64url");
const board = newId();

let server: ServerProcess;
const sockets: ClientSocket[] = [];
/** Every event any client received, in arrival order. */
const received: Array<{ event: string; payload: unknown }> = [];
/** Every acknowledgement, with the event it answered. */
const answers: Array<{ event: string; answer: unknown }> = [];

beforeAll(async () => {
  // Any live ink is "busy" here, so the node lengthens its tick (and announces it: `ink`) within seconds.
  server = await startServer({ env: { LOG_LEVEL: "warn", INK_BUSY_DELIVERIES: "1" } });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.kill();
});

async function join(name: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
    path: SOCKET_PATH,
    query: { [BOARD_QUERY_PARAM]: board },
    auth: { protocol: PROTOCOL_VERSION, clientId: newId(), lastSeq: 0, name },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  let welcomed = false;
  socket.onAny((event: string, payload: unknown) => {
    received.push({ event, payload });
    if (event === "welcome") welcomed = true;
  });
  await waitFor(() => welcomed, { what: `${name} welcomed` });
  return socket;
}

async function ask<E extends "op" | "sync" | "clock">(socket: ClientSocket, event: E, payload: unknown): Promise<void> {
  const answer: unknown = await (socket.timeout(5_000).emitWithAck as (e: string, p: unknown) => Promise<unknown>)(event, payload);
  answers.push({ event, answer });
}

const seen = (event: string) => received.some((r) => r.event === event);

describe("what a running node sends", () => {
  it("matches the protocol's schemas, every server event and every acknowledgement", async () => {
    const alice = await join("alice");
    const bob = await join("bob");
    const carol = await join("carol");
    await waitFor(() => seen("presenceDelta"), { what: "a presence delta" });

    // Durable operations: acks (accepted, duplicate, refused), live ops, catch-up pages.
    const stroke: BoardOp = { type: "add", opId: newId(), item: { kind: "stroke", id: newId(), color: "#1e1e1e", width: 2, points: [0, 0, 10, 10] } };
    await ask(alice, "op", stroke);
    await ask(alice, "op", stroke);
    await ask(alice, "op", { type: "add", opId: newId(), item: { kind: "stroke" } });
    await ask(bob, "sync", { since: 0 });
    await ask(bob, "sync", { since: -1 });
    await ask(carol, "clock", {});
    await waitFor(() => seen("ops"), { what: "live ops" });
    await join("dave"); // catch-up: one page of ops before anything live

    // Live ink from two drawers at once (one tick's flush carries both: `drafts`), and alone
    // (`draft`), until the node has read its ink work twice and announced a longer tick (`ink`).
    const itemA = newId();
    const itemB = newId();
    for (let i = 0; !seen("drafts") || !seen("draft") || !seen("ink"); i++) {
      expect(i, "drafts, a lone draft and a new tick within 600 rounds").toBeLessThan(600);
      alice.emit("draft", { itemId: itemA, color: "#1e1e1e", width: 2, from: i, points: [i, i] });
      if (i < 150) bob.emit("draft", { itemId: itemB, color: "#1971c2", width: 4, from: i, points: [i, -i], t: Date.now() });
      await new Promise((r) => setTimeout(r, 15));
    }
    // Cursors (one leaves the canvas), a rename, a wrong event.
    alice.emit("cursor", { x: 5, y: 6 });
    bob.emit("cursor", null);
    carol.emit("profile", { name: "Carol C." });
    (carol.emit as (e: string, p: unknown) => void)("nonsense", {});
    await waitFor(() => seen("cursors") && seen("error"), { what: "cursors and an error" });

    // Live previews (a selection, then its clear) go out as one `previews` message per tick.
    alice.emit("preview", { kind: "selection", itemIds: [stroke.item.id] });
    await waitFor(() => seen("previews"), { what: "previews" });
    alice.emit("preview", { kind: "clear", of: "selection" });

    // A clear outweighs the history: the board is folded into a snapshot before the next
    // late joiner is served, who gets its `snapshot` pages first.
    await ask(alice, "op", { type: "clear", opId: newId() });
    await join("erin");
    await waitFor(() => seen("snapshot"), { what: "a snapshot page" });

    // The drain, as the node shuts down.
    void server.stop();
    await waitFor(() => seen("drain"), { what: "drain" });

    expect(received.map((r) => [r.event, checkServerPayload(r.event, r.payload)]).filter(([, problem]) => problem !== null)).toEqual([]);
    expect(answers.map((a) => [a.event, checkServerAck(a.event, a.answer)]).filter(([, problem]) => problem !== null)).toEqual([]);
    expect(Object.keys(serverEventSchemas).filter((event) => !seen(event)), "server events never seen").toEqual([]);
    // The refusals were seen too (not only the happy answers).
    expect(answers.filter((a) => (a.answer as { ok?: boolean }).ok === false).map((a) => a.event)).toEqual(["op", "sync"]);
  });
});

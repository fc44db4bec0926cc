/**
 * Live previews through a real node: a valid preview reaches the board's other
 * members in a `previews` message; a bad one gets `invalid_payload` with a reason
 * and changes nothing, and the node keeps serving; a read-only link may not send them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientPool } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

let server: ServerProcess;
const pool = new ClientPool();

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  pool.closeAll();
  await server?.stop();
});

describe("live previews", () => {
  it("relays a valid preview, refuses a bad one with a clear error, and keeps serving", async () => {
    const board = `previews-${Date.now().toString(36)}`;
    const alice = await (await pool.join(server.url, board)).ready();
    const bob = await (await pool.join(server.url, board)).ready();
    alice.socket.emit("preview", { kind: "selection", itemIds: ["item-00001"] });
    await waitFor(() => bob.previews.some((p) => p.kind === "selection" && p.sessionId === alice.welcome!.sessionId), { what: "bob gets alice's selection" });

    for (const bad of [{ kind: "shape", item: { kind: "shape" } }, { kind: "move", itemIds: ["x"], dx: 1, dy: 1 }, "nonsense", { kind: "clear", of: "__proto__" }]) {
      alice.socket.emit("preview", bad as never);
    }
    await waitFor(() => alice.errors.filter((e) => e.event === "preview").length === 4, { what: "four refusals" });
    for (const e of alice.errors) {
      expect(e.code).toBe("invalid_payload");
      expect(e.message.length).toBeGreaterThan(5);
    }
    // Still serving: a clear goes through.
    alice.socket.emit("preview", { kind: "clear", of: "selection" });
    await waitFor(() => bob.previews.some((p) => p.kind === "clear"), { what: "bob gets the clear" });
    expect(bob.errors).toEqual([]);
    expect(bob.malformed).toEqual([]);
    expect(bob.previews.every((p) => p.sessionId === alice.welcome!.sessionId)).toBe(true);
  });
});

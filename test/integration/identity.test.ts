/**
 * Issue 17, finding 8: identity the server vouches for. Whatever `clientId` a
 * client claims, presence and op authorship carry the id of its signed HttpOnly
 * cookie (set by the board page or the Socket.IO handshake); names lose bidi
 * overrides, zero-width and control characters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDENTITY_COOKIE } from "../../src/shared/constants.js";
import { ClientPool, newId, strokeOp } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

let node: ServerProcess;
const pool = new ClientPool();
beforeAll(async () => {
  node = await startServer({ env: { LOG_LEVEL: "warn" } });
});
afterAll(async () => {
  pool.closeAll();
  await node?.stop();
});

function identityCookie(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${IDENTITY_COOKIE}=`));
}

describe("identity", () => {
  it("the board page gives a browser a signed HttpOnly identity cookie once, and keeps a valid one", async () => {
    const first = await fetch(`${node.url}/b/${newId()}`);
    const cookie = identityCookie(first)!;
    expect(cookie).toMatch(new RegExp(`^${IDENTITY_COOKIE}=[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{24}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`));
    const value = cookie.split(";")[0];
    expect(identityCookie(await fetch(`${node.url}/b/${newId()}`, { headers: { cookie: value } }))).toBeUndefined();
    // A forged one (another id, the same signature) is replaced.
    const forged = value.replace(/=(.)/, (_, c: string) => `=${c === "A" ? "B" : "A"}`);
    expect(identityCookie(await fetch(`${node.url}/b/${newId()}`, { headers: { cookie: forged } }))).toBeDefined();
  });

  it("nobody can act or appear as another: a claimed clientId is replaced by the vouched one", async () => {
    const board = newId();
    const victim = await pool.join(node.url, board, { clientId: "victimClient1", name: "victim" });
    const victimId = victim.welcome!.self!.clientId;
    expect(victimId).not.toBe("victimClient1");
    // The attacker claims the victim's claimed id, and the victim's vouched id (read from presence).
    for (const claimed of ["victimClient1", victimId]) {
      const attacker = await pool.join(node.url, board, { clientId: claimed, name: "victim" });
      const self = attacker.welcome!.self!.clientId;
      expect(self).not.toBe(victimId);
      expect(self).not.toBe(claimed);
      const ack = await attacker.submit(strokeOp());
      expect(ack.ok).toBe(true);
      await victim.waitForHead((ack as { seq: number }).seq);
      expect(victim.received.at(-1)!.author).toBe(self);
      const listed = await victim.waitForPeers((ps) => ps.some((p) => p.sessionId === attacker.welcome!.sessionId), "attacker listed");
      expect(listed.find((p) => p.sessionId === attacker.welcome!.sessionId)!.clientId).toBe(self);
      expect(listed.filter((p) => p.clientId === victimId)).toHaveLength(1);
      attacker.close();
    }
    // The victim's own ops carry its vouched id.
    const own = await victim.submit(strokeOp());
    await victim.waitForHead((own as { seq: number }).seq);
    expect(victim.received.at(-1)!.author).toBe(victimId);
  });

  it("is the page's cookie on every connection of that browser, reconnects and other boards included", async () => {
    // As a browser does: the page sets the cookie, every request of the page sends it.
    const cookie = identityCookie(await fetch(`${node.url}/b/${newId()}`))!.split(";")[0];
    const client = await pool.join(node.url, newId(), { name: "steady", extraHeaders: { cookie } });
    const id = client.welcome!.self!.clientId;
    expect(cookie).toContain(`=${id}.`);
    const before = client.welcome;
    client.socket.io.engine.close();
    await waitFor(() => client.welcome !== before && client.socket.connected, { what: "reconnected" });
    expect(client.welcome!.self!.clientId).toBe(id);
    const elsewhere = await pool.join(node.url, newId(), { name: "steady", extraHeaders: { cookie } });
    expect(elsewhere.welcome!.self!.clientId).toBe(id);
  });

  it("strips bidi overrides, zero-width and control characters from names, at join and rename", async () => {
    const board = newId();
    const watcher = await pool.join(node.url, board, { name: "watcher" });
    const spoofer = await pool.join(node.url, board, { name: "\u202Enimda\u200B\u0007" });
    const listed = await watcher.waitForPeers((ps) => ps.length === 2, "spoofer listed");
    expect(listed.find((p) => p.sessionId === spoofer.welcome!.sessionId)!.name).toBe("nimda");
    spoofer.socket.emit("profile", { name: "a\u200Bd\u2066m\u2069in\u200F" });
    await watcher.waitForPeers((ps) => ps.some((p) => p.name === "admin"), "renamed, cleaned");
    spoofer.socket.emit("profile", { name: "\u200B\u202E" });
    await watcher.waitForPeers((ps) => ps.some((p) => p.sessionId === spoofer.welcome!.sessionId && p.name === "Guest"), "an invisible name becomes Guest");
  });
});

/** The optional Socket.IO Admin UI: off by default; when on, its page and namespace sit behind basic auth. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { ADMIN_UI_NAMESPACE, ADMIN_UI_PATH } from "../../src/server/observability/admin-ui.js";
import { connect, newId } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

const PASSWORD = "correct horse battery";
/** bcrypt (cost 4, to keep the test fast) of PASSWORD. */
const HASH = "$2a$04$NZa3FYAJ1iFJOtfle7z7beK/xuOfU9cmacY4/HSbedmGVzd93y0rW";

function admin(url: string, auth: Record<string, string>): Socket {
  return io(`${url}${ADMIN_UI_NAMESPACE}`, { auth, reconnection: false, forceNew: true, transports: ["websocket"] });
}

function outcome(socket: Socket): Promise<{ connected: true } | { error: string }> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ connected: true }));
    socket.once("connect_error", (err) => resolve({ error: err.message }));
  });
}

let on: ServerProcess;
let off: ServerProcess;
beforeAll(async () => {
  [on, off] = await Promise.all([startServer({ env: { ADMIN_UI_PASSWORD_HASH: HASH, ADMIN_UI_USERNAME: "ops" } }), startServer()]);
});
afterAll(async () => {
  await Promise.all([on?.stop(), off?.stop()]);
});

describe("Admin UI", () => {
  it("is off by default: no page, no namespace", async () => {
    expect((await fetch(`${off.url}${ADMIN_UI_PATH}`)).status).toBe(404);
    const s = admin(off.url, { username: "admin", password: PASSWORD });
    expect(await outcome(s)).toEqual({ error: "Invalid namespace" });
    s.close();
  });

  it("when on, serves its page and admits only the configured user, read-only, naming the node", async () => {
    const page = await fetch(`${on.url}${ADMIN_UI_PATH}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Socket.IO Admin UI</title>");

    for (const auth of [{}, { username: "ops", password: "wrong" }, { username: "admin", password: PASSWORD }] as Array<Record<string, string>>) {
      const s = admin(on.url, auth);
      expect(await outcome(s), JSON.stringify(auth)).toEqual({ error: "invalid credentials" });
      s.close();
    }

    const board = await connect(on.url, newId());
    const s = admin(on.url, { username: "ops", password: PASSWORD });
    const config = new Promise<{ supportedFeatures: string[] }>((resolve) => s.once("config", resolve));
    const stats = new Promise<{ serverId: string; namespaces: Array<{ name: string; socketsCount: number }> }>((resolve) => s.once("server_stats", resolve));
    expect(await outcome(s)).toEqual({ connected: true });
    // Read-only: it can watch, not disconnect or move anybody.
    expect((await config).supportedFeatures).toEqual(["AGGREGATED_EVENTS"]);
    const first = await stats;
    expect(first.serverId).toBe(on.nodeId);
    expect(first.namespaces).toContainEqual({ name: "/", socketsCount: 1 });
    s.close();
    board.close();
    expect(on.output()).not.toContain(PASSWORD);
    expect(on.output()).not.toContain(HASH);
  });

  it("refuses to start with a password that is not a bcrypt hash, without echoing it", async () => {
    const bad = await startServer({ env: { ADMIN_UI_PASSWORD_HASH: PASSWORD }, waitReady: false });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/ADMIN_UI_PASSWORD_HASH=\(hidden\): must be a bcrypt hash/);
    expect(bad.output()).not.toContain(PASSWORD);
  });
});

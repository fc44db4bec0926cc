/** The optional Socket.IO Admin UI: off by default; when on, its page and namespace sit behind basic auth. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Manager, io, type Socket } from "socket.io-client";
import { ADMIN_AUTH_ERRORS, ADMIN_AUTH_LIMITS } from "../../src/server/observability/admin-auth.js";
import { ADMIN_UI_NAMESPACE, ADMIN_UI_PATH } from "../../src/server/observability/admin-ui.js";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import { PROTOCOL_VERSION } from "../../src/shared/protocol.js";
import { connect, newId } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

const PASSWORD = "correct horse battery";
/** bcrypt (cost 4, to keep the test fast) of PASSWORD. */
const HASH = "$2a$04$NZa3FYAJ1iFJOtfle7z7beK/xuOfU9cmacY4/HSbedmGVzd93y0rW";

function admin(url: string, auth: Record<string, string>, from?: string): Socket {
  const extraHeaders = from ? { "x-forwarded-for": from } : undefined;
  return io(`${url}${ADMIN_UI_NAMESPACE}`, { auth, reconnection: false, forceNew: true, transports: ["websocket"], extraHeaders });
}

/** One login attempt on its own connection: the outcome, then the connection closed. */
async function attempt(url: string, auth: Record<string, string>, from: string): Promise<string> {
  const s = admin(url, auth, from);
  const r = await outcome(s);
  s.close();
  return "error" in r ? r.error : "connected";
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

describe("Admin UI login under attack", () => {
  let guarded: ServerProcess;
  beforeAll(async () => {
    // TRUST_PROXY=1: each test address comes in X-Forwarded-For, as behind a balancer.
    guarded = await startServer({ env: { ADMIN_UI_PASSWORD_HASH: HASH, ADMIN_UI_USERNAME: "ops", TRUST_PROXY: "1" } });
  });
  afterAll(async () => {
    await guarded?.stop();
  });
  const right = { username: "ops", password: PASSWORD };

  it("locks an address out after repeated failures, the right password included, while other addresses log in", async () => {
    const attacker = "203.0.113.7";
    for (let i = 0; i < ADMIN_AUTH_LIMITS.maxFailures; i++) {
      expect(await attempt(guarded.url, { username: "ops", password: `guess${i}` }, attacker)).toBe(ADMIN_AUTH_ERRORS.invalid);
    }
    expect(await attempt(guarded.url, right, attacker)).toBe(ADMIN_AUTH_ERRORS.lockedOut);
    // A wrong user name is checked exactly like a wrong password (and counts the same).
    expect(await attempt(guarded.url, right, "203.0.113.8")).toBe("connected");
    expect(await attempt(guarded.url, { username: "admin", password: PASSWORD }, "203.0.113.9")).toBe(ADMIN_AUTH_ERRORS.invalid);
    expect(guarded.output()).toContain("address locked out");
  });

  it("applies the same limit to `40/admin` packets sent over a board connection", async () => {
    const from = "198.51.100.4";
    const manager = new Manager(guarded.url, {
      path: SOCKET_PATH,
      query: { [BOARD_QUERY_PARAM]: newId() },
      transports: ["websocket"],
      extraHeaders: { "x-forwarded-for": from },
      reconnection: false,
      autoConnect: false,
    });
    const board = manager.socket("/", { auth: { protocol: PROTOCOL_VERSION, clientId: newId(), name: "visitor" } });
    const boardUp = new Promise<void>((resolve) => board.once("connect", () => resolve()));
    board.connect();
    await boardUp;
    const sneaky = manager.socket(ADMIN_UI_NAMESPACE, { auth: { username: "ops", password: "guess" } });
    const errors: string[] = [];
    for (let i = 0; i <= ADMIN_AUTH_LIMITS.maxFailures; i++) {
      const r = outcome(sneaky);
      sneaky.connect(); // another CONNECT packet for /admin on the same Engine.IO connection
      const o = await r;
      errors.push("error" in o ? o.error : "connected");
    }
    expect(errors.slice(0, ADMIN_AUTH_LIMITS.maxFailures)).toEqual(Array(ADMIN_AUTH_LIMITS.maxFailures).fill(ADMIN_AUTH_ERRORS.invalid));
    expect(errors.at(-1)).toBe(ADMIN_AUTH_ERRORS.lockedOut);
    // The lockout is the address's, whichever way it comes next.
    expect(await attempt(guarded.url, right, from), guarded.output().split("\n").filter((l) => l.includes("locked")).join("\n")).toBe(ADMIN_AUTH_ERRORS.lockedOut);
    expect(board.connected).toBe(true);
    board.close();
    sneaky.close();
  });

  it("checks one attempt per address at a time: a burst of parallel guesses costs at most one check each", async () => {
    const from = "192.0.2.55";
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(guarded.url, { username: "ops", password: `burst${i}` }, from)));
    const checked = results.filter((r) => r === ADMIN_AUTH_ERRORS.invalid).length;
    expect(results).not.toContain("connected");
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(ADMIN_AUTH_LIMITS.maxFailures);
    expect(results.filter((r) => r !== ADMIN_AUTH_ERRORS.invalid).every((r) => r === ADMIN_AUTH_ERRORS.busy || r === ADMIN_AUTH_ERRORS.lockedOut)).toBe(true);
  });
});

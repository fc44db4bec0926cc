/**
 * Access: signed editor and read-only links (ACCESS_SECRET), off by default;
 * origins (CORS_ORIGINS and the WebSocket Origin check); security headers; and
 * user-provided strings that must never become markup, checked in a real browser
 * under the real Content-Security-Policy.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import type { Browser } from "playwright-core";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BoardAccess, ROLES } from "../../src/server/access/board-access.js";
import { SECURITY_HEADERS } from "../../src/server/http/security-headers.js";
import { BOARD_QUERY_PARAM, SOCKET_PATH, TOKEN_QUERY_PARAM, boardLinksPath } from "../../src/shared/constants.js";
import type { BoardOp } from "../../src/shared/protocol.js";
import { BoardClient, connect, editOp, moveOp, newId, strokeOp, textOp } from "../helpers/board-client.js";
import { hook, launchBrowser } from "../helpers/browser.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const SECRET = "an access secret long enough for HMAC-SHA256 ok";
const clients: BoardClient[] = [];
async function join(url: string, board: string, opts?: ConstructorParameters<typeof BoardClient>[2]) {
  const c = await connect(url, board, opts);
  clients.push(c);
  return c;
}
function refusal(url: string, board: string, token?: string): Promise<string | undefined> {
  const c = new BoardClient(url, board, { token, reconnection: false });
  clients.push(c);
  return waitFor(() => c.connectError?.data?.code ?? (c.socket.connected ? "connected" : null), { what: "handshake outcome" });
}

let open: ServerProcess;
let guarded: ServerProcess;
beforeAll(async () => {
  [open, guarded] = await Promise.all([
    startServer({ env: { LOG_LEVEL: "warn" } }),
    startServer({ env: { ACCESS_SECRET: SECRET, CORS_ORIGINS: "https://app.example.com", LOG_LEVEL: "warn" } }),
  ]);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([open?.stop(), guarded?.stop()]);
});

describe("signed links", () => {
  it("are off by default: a plain address opens and edits a board", async () => {
    const r = await fetch(`${open.url}/`, { redirect: "manual" });
    const location = r.headers.get("location")!;
    expect(location).toMatch(/^\/b\/[A-Za-z0-9_-]+$/);
    const board = location.slice(3);
    expect((await fetch(`${open.url}${location}`)).status).toBe(200);
    expect(await (await fetch(`${open.url}${boardLinksPath(board)}`)).json()).toEqual({ edit: `/b/${board}` });
    const c = await join(open.url, board);
    expect(c.welcome?.readOnly).toBe(false);
    expect(await c.submit(strokeOp())).toMatchObject({ ok: true });
  });

  it("when on, a new board comes with its editor link, which hands out a read-only link", async () => {
    const r = await fetch(`${guarded.url}/`, { redirect: "manual" });
    const editLink = new URL(r.headers.get("location")!, guarded.url);
    const board = editLink.pathname.slice(3);
    const edit = editLink.searchParams.get(TOKEN_QUERY_PARAM)!;
    expect(edit).toMatch(/^edit\.[A-Za-z0-9_-]{43}$/);
    const links = await (await fetch(`${guarded.url}${boardLinksPath(board)}?t=${edit}`)).json();
    expect(links.edit).toBe(`${editLink.pathname}${editLink.search}`);
    const view = new URL(links.view, guarded.url).searchParams.get(TOKEN_QUERY_PARAM)!;
    expect(view).toMatch(/^view\./);
    // A viewer may pass on only the read-only link.
    expect(await (await fetch(`${guarded.url}${boardLinksPath(board)}?t=${view}`)).json()).toEqual({ view: links.view });

    const other = newId();
    const forged = `edit.${view.slice(5)}`;
    const page = (id: string, token?: string) => fetch(`${guarded.url}/b/${id}${token === undefined ? "" : `?t=${encodeURIComponent(token)}`}`).then((x) => x.status);
    expect(await page(board, edit)).toBe(200);
    expect(await page(board, view)).toBe(200);
    for (const [id, token] of [[board, undefined], [board, ""], [board, forged], [other, edit], [board, `${edit}x`], [board, edit.toUpperCase()]] as const) {
      expect(await page(id, token), `${id} ${token}`).toBe(403);
      expect((await fetch(`${guarded.url}${boardLinksPath(id)}?t=${encodeURIComponent(token ?? "")}`)).status).toBe(403);
    }
    expect((await fetch(`${guarded.url}/b/${board}.svg`)).status).toBe(403);
    expect((await fetch(`${guarded.url}/b/${board}.svg?t=${view}`)).status).toBe(200);
  });

  it("admits editors and viewers by token, and nobody else", async () => {
    const access = new BoardAccess(SECRET);
    const board = newId();
    expect(await refusal(guarded.url, board, access.token(board, "edit"))).toBe("connected");
    expect(await refusal(guarded.url, board, access.token(board, "view"))).toBe("connected");
    for (const token of [undefined, "", "edit.", access.token(newId(), "edit"), new BoardAccess(`${SECRET}!`).token(board, "edit"), `view.${access.token(board, "edit").slice(5)}`]) {
      expect(await refusal(guarded.url, board, token), String(token)).toBe("forbidden");
    }
  });

  it("shows viewers everything live and refuses every write from them", async () => {
    const access = new BoardAccess(SECRET);
    const board = newId();
    const editor = await join(guarded.url, board, { token: access.token(board, "edit"), name: "Editor" });
    const viewer = await join(guarded.url, board, { token: access.token(board, "view"), name: "Viewer" });
    expect(editor.welcome?.readOnly).toBe(false);
    expect(viewer.welcome?.readOnly).toBe(true);
    await waitFor(() => editor.peers.find((p) => p.name === "Viewer")?.readOnly === true, { what: "viewer shown as read-only" });

    // Live: the editor's ink and strokes reach the viewer.
    const text = textOp("hello");
    editor.socket.emit("draft", { itemId: newId(), color: "#000000", width: 2, from: 0, points: [1, 1, 2, 2] });
    await waitFor(() => viewer.drafts.length === 1, { what: "draft at the viewer" });
    expect(await editor.submit(strokeOp())).toMatchObject({ ok: true, seq: 1 });
    expect(await editor.submit(text)).toMatchObject({ ok: true, seq: 2 });
    await viewer.waitForHead(2);

    // Every kind of write from the viewer is refused; its live ink is not relayed.
    const writes: BoardOp[] = [strokeOp(), { type: "clear", opId: newId() }, { type: "remove", opId: newId(), itemIds: [text.item.id] }, moveOp([text.item.id], 5, 5), editOp(text.item.id, "defaced")];
    for (const op of writes) {
      expect(await viewer.submit(op)).toMatchObject({ ok: false, error: { code: "read_only", event: "op" } });
    }
    viewer.socket.emit("draft", { itemId: newId(), color: "#000000", width: 2, from: 0, points: [1, 1] });
    await waitFor(() => viewer.errors.some((e) => e.code === "read_only" && e.event === "draft"), { what: "draft refused" });
    // Cursors are not writes: viewers may point.
    viewer.socket.emit("cursor", { x: 10, y: 10 });
    expect(await editor.submit(strokeOp())).toMatchObject({ ok: true, seq: 3 });
    await viewer.waitForHead(3);
    expect(editor.drafts).toEqual([]);
    const fresh = await join(guarded.url, board, { token: access.token(board, "view") });
    expect(fresh.model.head).toBe(3);
    expect(fresh.model.visibleIds()).toEqual(editor.model.visibleIds());
  });

  it("cannot be forged: generated tokens, other boards' tokens and altered tokens grant nothing", () => {
    const access = new BoardAccess(SECRET);
    const boardArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    fc.assert(
      fc.property(boardArb, fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(...ROLES).chain((r) => fc.base64String({ minLength: 40, maxLength: 48 }).map((m) => `${r}.${m}`))), (board, token) => {
        expect(access.roleOf(board, token)).toBeNull();
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(boardArb, boardArb, fc.constantFrom(...ROLES), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (board, other, role, at, ch) => {
        const token = access.token(board, role);
        expect(access.roleOf(board, token)).toBe(role);
        if (other !== board) expect(access.roleOf(other, token)).toBeNull();
        const i = at % token.length;
        const altered = token.slice(0, i) + ch + token.slice(i + 1);
        if (altered !== token) expect(access.roleOf(board, altered)).toBeNull();
      }),
      { numRuns: 5_000 },
    );
  });
});

describe("origins", () => {
  const handshake = (url: string, origin?: string) =>
    fetch(`${url}${SOCKET_PATH}?EIO=4&transport=polling&${BOARD_QUERY_PARAM}=${newId()}`, { headers: origin ? { origin } : {} });
  const websocket = (url: string, origin: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url.replace("http", "ws")}${SOCKET_PATH}?EIO=4&transport=websocket&${BOARD_QUERY_PARAM}=${newId()}`, { origin });
      ws.once("open", () => {
        ws.terminate();
        resolve(101);
      });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", () => resolve(0));
    });

  it("admit the node's own origin and the configured ones, over polling and WebSocket, and refuse the rest", async () => {
    const allowed = await handshake(guarded.url, "https://app.example.com");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect((await handshake(guarded.url, guarded.url)).status).toBe(200);
    expect((await handshake(guarded.url)).status).toBe(200);
    const evil = await handshake(guarded.url, "https://evil.example");
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(await websocket(guarded.url, "https://app.example.com")).toBe(101);
    // Engine.IO refuses a WebSocket upgrade with a 400 (a polling handshake with a 403).
    expect(await websocket(guarded.url, "https://evil.example")).toBe(400);
    expect(await websocket(guarded.url, "null")).toBe(400);
    // Without CORS_ORIGINS only the node's own origin.
    expect((await handshake(open.url, open.url)).status).toBe(200);
    expect((await handshake(open.url, "https://app.example.com")).status).toBe(403);
    expect(await websocket(open.url, "https://evil.example")).toBe(400);
    expect(await websocket(open.url, open.url)).toBe(101);
    // HTTP routes grant no cross-origin reads.
    const links = await fetch(`${open.url}${boardLinksPath(newId())}`, { headers: { origin: "https://evil.example" } });
    expect(links.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("security headers", () => {
  it("are on every page and response, with a CSP that allows exactly the error pages' inline style", async () => {
    const board = newId();
    const responses = {
      page: await fetch(`${open.url}/b/${board}`),
      notFound: await fetch(`${open.url}/nothing/here`),
      badBoard: await fetch(`${open.url}/b/%3Cscript%3E`),
      forbidden: await fetch(`${guarded.url}/b/${board}`),
      health: await fetch(`${open.url}/healthz`),
      links: await fetch(`${open.url}${boardLinksPath(board)}`),
      redirect: await fetch(`${open.url}/`, { redirect: "manual" }),
    };
    const html = await (await fetch(`${open.url}/b/${board}`)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    Object.assign(responses, { asset: await fetch(`${open.url}${asset}`) });
    for (const [what, r] of Object.entries(responses)) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(r.headers.get(name), `${what} ${name}`).toBe(value);
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, what).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    }
    const errorPage = await responses.notFound.text();
    const style = /<style>([\s\S]*?)<\/style>/.exec(errorPage)![1];
    const hash = `'sha256-${createHash("sha256").update(style).digest("base64")}'`;
    expect(responses.notFound.headers.get("content-security-policy")).toContain(`style-src 'self' ${hash}`);
    // No inline script anywhere in what is served.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe("in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("runs the client under the CSP without a single violation, and renders hostile names and texts as text", async () => {
    const board = newId();
    const hostile = `<img src=x onerror="window.__pwned=1">`;
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto(`${open.url}/b/${board}`);
    await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });

    const peer = await join(open.url, board, { name: hostile.slice(0, 32) });
    peer.socket.emit("profile", { name: `<script>window.__pwned=2</script>`.slice(0, 32) });
    expect(await peer.submit(textOp(`</text><script>window.__pwned=3</script>${hostile}`))).toMatchObject({ ok: true });
    await waitFor(async () => (await hook(page, "head")) === 1, { what: "text item applied in the page" });
    await waitFor(async () => ((await page.textContent("body")) ?? "").includes("<script>window.__pwn"), { what: "hostile name shown as text" });

    const facts = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      injected: document.querySelectorAll('img[src="x"], body script:not([src])').length,
      csp: (window as unknown as { __csp: string[] }).__csp,
    }));
    expect(facts.pwned).toBeUndefined();
    expect(facts.injected).toBe(0);
    expect(facts.csp).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await context.close();
  });
});

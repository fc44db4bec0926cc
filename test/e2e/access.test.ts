/**
 * Signed links in real browsers (ACCESS_SECRET set): an editor lands on a new
 * board through `/`, draws, and copies the view-only link from the Share menu; a
 * viewer opening that link sees the editor's ink live, has no editing tools, and
 * cannot change the board by pointer or keyboard; a forged token opens nothing.
 *
 * Assertions read the client's test hook, canvas pixels, the DOM and the clipboard.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_QUERY_PARAM, boardLinksPath } from "../../src/shared/constants.js";
import { drawStroke, hook, inkAt, launchBrowser } from "../helpers/browser.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const SECRET = "e2e-access-secret-0123456789abcdefghij";
// Wide enough that every tool sits in the toolbar (narrower windows move some into "More tools": test/e2e/layout.test.ts);
// with the Arrange group, 1280 px no longer is.
const VIEW = { width: 1440, height: 900 };

/** Two strokes across the middle, away from the toolbar and the corners. */
const FIRST: [number, number][] = [
  [300, 300],
  [450, 330],
  [600, 360],
];
const FIRST_ON: [number, number][] = [
  [310, 302],
  [450, 330],
  [590, 358],
];
const SECOND: [number, number][] = [
  [300, 450],
  [450, 470],
  [600, 490],
];
const SECOND_ON: [number, number][] = [
  [310, 451],
  [450, 470],
  [590, 489],
];
/** Where the viewer tries to draw: empty board. */
const ATTEMPT: [number, number][] = [
  [250, 200],
  [400, 230],
  [550, 210],
];
/** Buttons a viewer must not see (all visible to the editor). */
const EDIT_BUTTONS = ["Select", "Pen", "Line", "Arrow", "Rectangle", "Ellipse", "Text", "Eraser", "Black", "Undo", "Redo", "Clear board"];
/** Buttons everyone keeps. */
const VIEW_BUTTONS = ["Hand (pan)", "Export PNG", "Export SVG", "Zoom in", "Share this board"];

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ env: { ACCESS_SECRET: SECRET } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser profile that may use the clipboard (the Share menu copies into it). */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEW });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
  return page;
}

async function connected(page: Page): Promise<void> {
  await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });
}

async function shows(page: Page, layer: "scene" | "ink", points: [number, number][]): Promise<boolean> {
  return (await inkAt(page, layer, points)).every((a) => a > 200);
}

async function visible(page: Page, name: string): Promise<boolean> {
  return page.getByRole("button", { name, exact: true }).isVisible();
}

/** Opens the Share menu and returns the labels of its copy buttons once they have loaded. */
async function openShareMenu(page: Page): Promise<string[]> {
  await page.getByRole("button", { name: "Share this board", exact: true }).click();
  await waitFor(() => page.locator("#share-menu .share-option").first().isVisible(), { what: "share menu options" });
  return page.locator("#share-menu .share-option-label").allTextContents();
}

async function copyFromMenu(page: Page, label: string): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await page.getByRole("button", { name: label, exact: true }).click();
  return waitFor(() => page.evaluate(() => navigator.clipboard.readText()), { what: `${label}: clipboard` });
}

describe("signed links in the browser", () => {
  let editor: Page;
  let viewer: Page;
  let boardId: string;
  let editToken: string;
  let viewLink: string;

  it("an editor opening / lands on a new board with its editor link, and draws", async () => {
    editor = await newPage();
    await editor.goto(`${server.url}/`);
    const url = new URL(editor.url());
    expect(url.pathname).toMatch(/^\/b\/[A-Za-z0-9_-]+$/);
    boardId = url.pathname.slice(3);
    editToken = url.searchParams.get(TOKEN_QUERY_PARAM) ?? "";
    expect(editToken).toMatch(/^edit\./);
    await connected(editor);
    expect(await hook(editor, "readOnly")).toBe(false);
    for (const name of [...EDIT_BUTTONS, ...VIEW_BUTTONS]) expect(await visible(editor, name), name).toBe(true);
    expect(await editor.locator("#view-only").isVisible()).toBe(false);

    await drawStroke(editor, FIRST);
    await waitFor(async () => (await hook(editor, "head")) === 1 && (await hook(editor, "pending")) === 0, { what: "stroke stored" });
    expect(await hook(editor, "itemCount")).toBe(1);
  });

  it("the Share menu copies an editor and a view-only link, both with their tokens; Escape and a click outside close it", async () => {
    expect(await openShareMenu(editor)).toEqual(["Copy editor link", "Copy view-only link"]);
    const copiedEdit = new URL(await copyFromMenu(editor, "Copy editor link"));
    expect(copiedEdit.origin).toBe(server.url);
    expect(copiedEdit.pathname).toBe(`/b/${boardId}`);
    expect(copiedEdit.searchParams.get(TOKEN_QUERY_PARAM)).toBe(editToken);
    expect(await editor.locator("#share-menu").isVisible()).toBe(false);

    await openShareMenu(editor);
    viewLink = await copyFromMenu(editor, "Copy view-only link");
    const copiedView = new URL(viewLink);
    expect(copiedView.pathname).toBe(`/b/${boardId}`);
    expect(copiedView.searchParams.get(TOKEN_QUERY_PARAM)).toMatch(/^view\./);
    // The very link the server hands out for this token.
    const res = await fetch(`${server.url}${boardLinksPath(boardId)}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(editToken)}`);
    const links = (await res.json()) as { edit?: string; view?: string };
    expect(`${server.url}${links.view}`).toBe(viewLink);

    await openShareMenu(editor);
    await editor.keyboard.press("Escape");
    expect(await editor.locator("#share-menu").isVisible()).toBe(false);
    await openShareMenu(editor);
    await editor.locator(".brand").click();
    expect(await editor.locator("#share-menu").isVisible()).toBe(false);
  });

  it("a viewer sees the board and the editor's ink live, with only viewing tools and a View only badge", async () => {
    viewer = await newPage();
    const res = await viewer.goto(viewLink);
    expect(res?.status()).toBe(200);
    await connected(viewer);
    await waitFor(async () => (await hook(viewer, "readOnly")) === true, { what: "viewer is read-only" });
    await waitFor(async () => (await hook(viewer, "itemCount")) === 1 && (await shows(viewer, "scene", FIRST_ON)), {
      what: "first stroke at the viewer",
    });
    for (const name of EDIT_BUTTONS) expect(await visible(viewer, name), name).toBe(false);
    for (const name of VIEW_BUTTONS) expect(await visible(viewer, name), name).toBe(true);
    expect(await hook(viewer, "tool")).toBe("hand");
    expect(await viewer.locator("#view-only").isVisible()).toBe(true);
    expect(await viewer.locator("#view-only").textContent()).toContain("View only");

    // Live: the viewer sees the second stroke while the editor's pen is still down.
    await drawStroke(editor, SECOND, { release: false });
    await waitFor(() => shows(viewer, "ink", SECOND_ON), { what: "live ink at the viewer" });
    expect(await hook(viewer, "itemCount")).toBe(1);
    await editor.mouse.up();
    await waitFor(async () => (await hook(viewer, "itemCount")) === 2 && (await shows(viewer, "scene", SECOND_ON)), {
      what: "second stroke stored at the viewer",
    });
  });

  it("the viewer's Share menu offers only the view-only link", async () => {
    expect(await openShareMenu(viewer)).toEqual(["Copy view-only link"]);
    expect(await copyFromMenu(viewer, "Copy view-only link")).toBe(viewLink);
  });

  it("the viewer's pointer and editing shortcuts change nothing", async () => {
    const head = await hook(editor, "head");
    // Shortcuts for editing tools and edits do nothing; the hand stays.
    for (const key of ["p", "e", "r", "t", "v", "1", "Control+a", "Delete", "Control+z"]) {
      await viewer.keyboard.press(key);
      expect(await hook(viewer, "tool"), key).toBe("hand");
    }
    await drawStroke(viewer, ATTEMPT);
    expect(await hook(viewer, "itemCount")).toBe(2);
    expect(await hook(viewer, "pending")).toBe(0);

    // A later stroke of the editor's reaches both; nothing of the viewer's came before it.
    await drawStroke(editor, [
      [300, 580],
      [600, 600],
    ]);
    await waitFor(async () => (await hook(viewer, "itemCount")) === 3 && (await hook(viewer, "head")) === head + 1, {
      what: "editor's third stroke at the viewer",
    });
    // The editor hears of its own stroke by the same broadcast, in its own time.
    await waitFor(async () => (await hook(editor, "head")) === head + 1, { what: "editor's third stroke confirmed at the editor" });
    expect(await hook(editor, "itemCount")).toBe(3);
    expect((await hook(viewer, "items")).map((i) => i.id)).toEqual((await hook(editor, "items")).map((i) => i.id));
  });

  it("a forged token is refused: no page, and no connection for a page that sends it", async () => {
    // A viewer turning its link into an editor's: the role swapped, the MAC kept.
    const viewToken = new URL(viewLink).searchParams.get(TOKEN_QUERY_PARAM) ?? "";
    const forged = `edit.${viewToken.slice("view.".length)}`;
    const forgedUrl = `${server.url}/b/${boardId}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(forged)}`;
    const page = await newPage();
    const res = await page.goto(forgedUrl);
    expect(res?.status()).toBe(403);
    expect(await page.getByRole("heading", { name: "No access" }).isVisible()).toBe(true);

    // The app itself (served from a genuine link) with the forged token in its address:
    // the handshake carries the token, the server refuses it, the page says so.
    await page.route(forgedUrl, async (route) => route.fulfill({ response: await route.fetch({ url: viewLink }) }));
    await page.goto(forgedUrl);
    await waitFor(async () => (await hook(page, "status")) === "refused", { what: "forged token refused" });
    expect(await page.locator(".toast.error").first().textContent()).toBe("You don't have access to this board.");
    expect(await hook(page, "itemCount")).toBe(0);
    await page.context().close();
  });
});

/**
 * The fixture most e2e files share: one meshboard node and one Chromium for the
 * file, started together before its tests and stopped after them, and pages that
 * open a board in that browser at the file's viewport.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser, openBoardPage } from "./browser.js";
import { startServer, type ServerProcess } from "./server-process.js";

export interface BoardPages {
  readonly server: ServerProcess;
  readonly browser: Browser;
  /** A new page on the board, joined (as a person opening its link). */
  join(boardId: string): Promise<Page>;
}

export function boardPagesFixture(viewport: { width: number; height: number }): BoardPages {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("the e2e fixture is not started (use it inside a test)");
    return v;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    join: (boardId) => openBoardPage(started(browser), started(server).url, boardId, viewport),
  };
}

/**
 * GET /b/<id>.svg: the board as it is now, as an SVG picture for embedding
 * (an <img> on another site, a wiki, a README). Folds the board's op log page by
 * page and renders it with the same renderer as the client's "Export SVG".
 */
import type { FastifyInstance } from "fastify";
import { BoardModel } from "../../shared/board-model.js";
import { BOARD_PATH_PREFIX, TOKEN_QUERY_PARAM, isValidBoardId } from "../../shared/constants.js";
import { renderSvg } from "../../shared/svg-export.js";
import type { BoardAccess } from "../access/board-access.js";
import type { BoardService } from "../board/board-service.js";

export const BOARD_SVG_SUFFIX = ".svg";
export const BOARD_SVG_ROUTE = `${BOARD_PATH_PREFIX}:id${BOARD_SVG_SUFFIX}`;
const BACKGROUND = "#ffffff";

/**
 * An SVG opened as a document could run script: this one never has any, and the
 * policy makes sure (no script, no loads, inline presentation only, sandboxed).
 */
export const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export function boardSvgPath(boardId: string): string {
  return `${BOARD_PATH_PREFIX}${encodeURIComponent(boardId)}${BOARD_SVG_SUFFIX}`;
}

/** Folds every op of the board into a model (the same fold as every client's). */
async function foldBoard(boards: BoardService, boardId: string): Promise<BoardModel> {
  const model = new BoardModel();
  for (;;) {
    const page = await boards.read(boardId, model.head);
    for (const s of page.ops) model.apply(s);
    if (!page.more || page.ops.length === 0) return model;
  }
}

export function registerBoardSvgRoute(app: FastifyInstance, boards: BoardService, access: BoardAccess | undefined): void {
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>(BOARD_SVG_ROUTE, {
    // Runs after the app-wide security headers: a picture meant for embedding
    // may be loaded cross-origin, and gets its own, stricter policy.
    onSend: async (_req, reply, payload) => {
      reply.header("content-security-policy", SVG_CSP);
      reply.header("cross-origin-resource-policy", "cross-origin");
      return payload;
    },
    handler: async (req, reply) => {
      const boardId = req.params.id;
      if (!isValidBoardId(boardId)) return reply.code(400).type("text/plain; charset=utf-8").send("not a board id");
      if (access && !access.roleOf(boardId, req.query[TOKEN_QUERY_PARAM])) {
        return reply.code(403).type("text/plain; charset=utf-8").send("this link does not open this board");
      }
      let model: BoardModel;
      try {
        model = await foldBoard(boards, boardId);
      } catch (err) {
        req.log.error({ err, board: boardId }, "svg export: board unreadable");
        return reply.code(503).type("text/plain; charset=utf-8").send("the board is unavailable; retry later");
      }
      // The board's head names its content: unchanged head, unchanged picture.
      const etag = `"seq-${model.head}"`;
      reply.header("etag", etag).header("cache-control", "no-cache");
      if (req.headers["if-none-match"] === etag) return reply.code(304).send();
      return reply.type("image/svg+xml; charset=utf-8").send(renderSvg(model.visibleItems(), { background: BACKGROUND }));
    },
  });
}

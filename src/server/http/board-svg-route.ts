/**
 * GET /b/<id>.svg: the board as it is now, as an SVG picture for embedding
 * (an <img> on another site, a wiki, a README). Folds the board's op log page by
 * page and renders it with the same renderer as the client's "Export SVG".
 */
import type { FastifyInstance } from "fastify";
import { BoardModel } from "../../shared/board-model.js";
import { isValidBoardId } from "../../shared/constants.js";
import {
  BOARD_SVG_ROUTE,
  SVG_CONTENT_TYPE,
  SVG_CSP,
  TOKEN_QUERY_PARAM,
  boardSvgEtag,
  type BoardParams,
  type BoardQuery,
} from "../../shared/http-api.js";
import { renderSvg } from "../../shared/svg-export.js";
import type { BoardAccess } from "../access/board-access.js";
import type { BoardService } from "../board/board-service.js";

const BACKGROUND = "#ffffff";

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
  app.get<{ Params: BoardParams; Querystring: BoardQuery; Reply: string }>(BOARD_SVG_ROUTE, {
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
      const etag = boardSvgEtag(model.head);
      reply.header("etag", etag).header("cache-control", "no-cache");
      if (req.headers["if-none-match"] === etag) return reply.code(304).send("");
      return reply.type(SVG_CONTENT_TYPE).send(renderSvg(model.visibleItems(), { background: BACKGROUND }));
    },
  });
}

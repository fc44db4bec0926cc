/**
 * GET /b/<id>.svg: the board as it is now, as an SVG picture for embedding
 * (an <img> on another site, a wiki, a README), with the same renderer as the
 * client's "Export SVG". Pictures are made in slices and shared by concurrent
 * requests (board-pictures.ts); an unchanged board answers 304 without any work.
 */
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
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
import type { BoardAccess } from "../access/board-access.js";
import type { BoardService } from "../board/board-service.js";
import { BoardPictures, SVG_MAX_BYTES, type Picture } from "./board-pictures.js";

const BACKGROUND = "#ffffff";

export function registerBoardSvgRoute(app: FastifyInstance, boards: BoardService, access: BoardAccess | undefined): void {
  const pictures = new BoardPictures(boards, { background: BACKGROUND });
  app.get<{ Params: BoardParams; Querystring: BoardQuery }>(BOARD_SVG_ROUTE, {
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
      let picture: Picture;
      try {
        const head = await boards.head(boardId);
        if (req.headers["if-none-match"] === boardSvgEtag(head)) {
          return reply.code(304).header("etag", boardSvgEtag(head)).header("cache-control", "no-cache").send();
        }
        picture = await pictures.picture(boardId, head);
      } catch (err) {
        req.log.error({ err, board: boardId }, "svg export: board unreadable");
        return reply.code(503).type("text/plain; charset=utf-8").send("the board is unavailable; retry later");
      }
      if (picture.tooLarge) {
        return reply
          .code(413)
          .type("text/plain; charset=utf-8")
          .send(`this board is too large to serve as SVG (over ${SVG_MAX_BYTES / 1024 / 1024} MiB); export it as PNG from the board instead`);
      }
      const etag = boardSvgEtag(picture.head);
      reply.header("etag", etag).header("cache-control", "no-cache");
      if (req.headers["if-none-match"] === etag) return reply.code(304).send();
      return reply.type(SVG_CONTENT_TYPE).send(Readable.from(picture.chunks));
    },
  });
}

/**
 * GET /b/<id>.svg: the board as it is now, as an SVG picture for embedding
 * (an <img> on another site, a wiki, a README), with the same renderer as the
 * client's "Export SVG". Pictures are made in slices and shared by concurrent
 * requests (board-pictures.ts); an unchanged board answers 304 without any work.
 */
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { BOARD_PATH_PREFIX, TOKEN_QUERY_PARAM, isValidBoardId } from "../../shared/constants.js";
import type { BoardAccess } from "../access/board-access.js";
import type { BoardService } from "../board/board-service.js";
import { BoardPictures, SVG_MAX_BYTES, type Picture } from "./board-pictures.js";

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

/** The board's head names its content: unchanged head, unchanged picture. */
const etagOf = (head: number) => `"seq-${head}"`;

export function registerBoardSvgRoute(app: FastifyInstance, boards: BoardService, access: BoardAccess | undefined): void {
  const pictures = new BoardPictures(boards, { background: BACKGROUND });
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
      let picture: Picture;
      try {
        const head = await boards.head(boardId);
        if (req.headers["if-none-match"] === etagOf(head)) {
          return reply.code(304).header("etag", etagOf(head)).header("cache-control", "no-cache").send();
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
      const etag = etagOf(picture.head);
      reply.header("etag", etag).header("cache-control", "no-cache");
      if (req.headers["if-none-match"] === etag) return reply.code(304).send();
      return reply.type("image/svg+xml; charset=utf-8").send(Readable.from(picture.chunks));
    },
  });
}

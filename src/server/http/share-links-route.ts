/**
 * GET /api/boards/<id>/links?t=<token>: the share links a token may hand out.
 * An editor gets the editor and the read-only link; a viewer only the read-only
 * one; without access control there is one link, the board's plain address.
 */
import type { FastifyInstance } from "fastify";
import { isValidBoardId } from "../../shared/constants.js";
import {
  BOARD_LINKS_ROUTE,
  BOARD_PATH_PREFIX,
  TOKEN_QUERY_PARAM,
  type ApiError,
  type BoardParams,
  type BoardQuery,
  type ShareLinks,
} from "../../shared/http-api.js";
import type { BoardAccess } from "../access/board-access.js";

export function registerShareLinksRoute(app: FastifyInstance, access: BoardAccess | undefined): void {
  app.get<{ Params: BoardParams; Querystring: BoardQuery; Reply: ShareLinks | ApiError }>(BOARD_LINKS_ROUTE, async (req, reply) => {
    const boardId = req.params.id;
    if (!isValidBoardId(boardId)) return reply.code(400).send({ error: "invalid_board" });
    reply.header("cache-control", "no-store");
    if (!access) return { edit: `${BOARD_PATH_PREFIX}${boardId}` };
    const role = access.roleOf(boardId, req.query[TOKEN_QUERY_PARAM]);
    if (role === null) return reply.code(403).send({ error: "forbidden" });
    const links: ShareLinks = { view: access.link(boardId, "view") };
    if (role === "edit") links.edit = access.link(boardId, "edit");
    return links;
  });
}

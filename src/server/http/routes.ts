/** HTTP routes: new board, board pages, health and readiness. */
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { isValidBoardId } from "../../shared/constants.js";
import {
  BOARD_PATH_PREFIX,
  HEALTH_PATH,
  READY_PATH,
  TOKEN_QUERY_PARAM,
  type BoardParams,
  type BoardQuery,
  type Health,
  type Readiness as ReadinessAnswer,
} from "../../shared/http-api.js";
import type { BoardAccess } from "../access/board-access.js";
import { overHttps, type Identities } from "../access/identity.js";
import { newBoardId } from "../board/board-id.js";
import type { Readiness } from "../lifecycle.js";
import { errorPage } from "./pages.js";
import { loadPrecompressedPage, pickEncoding } from "./precompressed-page.js";

export interface RouteOptions {
  staticDir: string;
  readiness: Readiness;
  nodeId: string;
  /** Set when access control is on: boards are reached through signed links. */
  access?: BoardAccess;
  /** The board page gives a browser without one its identity cookie. */
  identities?: Identities;
  /** Believe X-Forwarded-Proto (the cookie is Secure when the page was reached over HTTPS). */
  trustProxy?: boolean;
}

export async function registerRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const boardPage = await loadPrecompressedPage(path.join(opts.staticDir, "index.html")).catch(() => {
    throw new Error(`client build missing at ${opts.staticDir}: run \`npm run build\` first`);
  });

  // Asset names carry a content hash, so they never change: cache them for good. The build
  // made .br/.gz copies; the client gets the best one it accepts. Source maps are not here.
  await app.register(fastifyStatic, {
    root: path.join(opts.staticDir, "assets"),
    prefix: "/assets/",
    immutable: true,
    maxAge: "365d",
    preCompressed: true,
    // Caches must keep the encodings apart.
    setHeaders: (res) => {
      res.setHeader("vary", "Accept-Encoding");
    },
  });

  // With access control, whoever creates a board gets its editor link.
  app.get("/", async (_req, reply) => {
    const id = newBoardId();
    return reply.redirect(opts.access ? opts.access.link(id, "edit") : `${BOARD_PATH_PREFIX}${id}`, 302);
  });

  app.get<{ Params: BoardParams; Querystring: BoardQuery }>(`${BOARD_PATH_PREFIX}:id`, async (req, reply) => {
    if (!isValidBoardId(req.params.id)) {
      return reply
        .code(400)
        .type("text/html; charset=utf-8")
        .send(errorPage(400, "Not a board id", "Board ids are 1 to 64 characters of letters, digits, '-' and '_'."));
    }
    if (opts.access && !opts.access.roleOf(req.params.id, req.query[TOKEN_QUERY_PARAM])) {
      return reply
        .code(403)
        .type("text/html; charset=utf-8")
        .send(errorPage(403, "No access", "This link does not open this board. Ask someone on the board for a share link."));
    }
    const ids = opts.identities;
    if (ids?.ready && !ids.fromHeaders(req.headers)) {
      reply.header("set-cookie", ids.cookie(ids.issue().value, overHttps(req.headers, Boolean((req.raw.socket as { encrypted?: boolean }).encrypted), opts.trustProxy ?? false)));
    }
    const { body, encoding } = pickEncoding(boardPage, req.headers["accept-encoding"]);
    if (encoding) reply.header("content-encoding", encoding);
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").header("vary", "Accept-Encoding").send(body);
  });

  app.get<{ Reply: Health }>(HEALTH_PATH, async () => ({ status: "ok", node: opts.nodeId }));

  app.get<{ Reply: ReadinessAnswer }>(READY_PATH, async (_req, reply) => {
    const ready = opts.readiness.isReady();
    return reply.code(ready ? 200 : 503).send({
      status: ready ? "ready" : "not_ready",
      phase: opts.readiness.current,
      failing: opts.readiness.failing(),
      degraded: opts.readiness.degraded(),
      node: opts.nodeId,
    });
  });

  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).type("text/html; charset=utf-8").send(errorPage(404, "Not found", "There is nothing at this address.")),
  );
}

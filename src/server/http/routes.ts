/** HTTP routes: new board, board pages, health and readiness. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { BOARD_PATH_PREFIX, HEALTH_PATH, READY_PATH, isValidBoardId } from "../../shared/constants.js";
import { newBoardId } from "../board/board-id.js";
import type { Readiness } from "../lifecycle.js";
import { errorPage } from "./pages.js";

export interface RouteOptions {
  staticDir: string;
  readiness: Readiness;
  nodeId: string;
}

export async function registerRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const boardPage = await readFile(path.join(opts.staticDir, "index.html"), "utf8").catch(() => {
    throw new Error(`client build missing at ${opts.staticDir}: run \`npm run build\` first`);
  });

  await app.register(fastifyStatic, {
    root: path.join(opts.staticDir, "assets"),
    prefix: "/assets/",
    immutable: true,
    maxAge: "365d",
  });

  app.get("/", async (_req, reply) => reply.redirect(`${BOARD_PATH_PREFIX}${newBoardId()}`, 302));

  app.get<{ Params: { id: string } }>(`${BOARD_PATH_PREFIX}:id`, async (req, reply) => {
    if (!isValidBoardId(req.params.id)) {
      return reply
        .code(400)
        .type("text/html; charset=utf-8")
        .send(errorPage(400, "Not a board id", "Board ids are 1 to 64 characters of letters, digits, '-' and '_'."));
    }
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(boardPage);
  });

  app.get(HEALTH_PATH, async () => ({ status: "ok", node: opts.nodeId }));

  app.get(READY_PATH, async (_req, reply) => {
    const ready = opts.readiness.isReady();
    return reply.code(ready ? 200 : 503).send({
      status: ready ? "ready" : "not_ready",
      phase: opts.readiness.current,
      failing: opts.readiness.failing(),
      node: opts.nodeId,
    });
  });

  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).type("text/html; charset=utf-8").send(errorPage(404, "Not found", "There is nothing at this address.")),
  );
}

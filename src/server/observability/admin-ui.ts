/**
 * The optional Socket.IO Admin UI: its page served by the node at /admin/, its
 * namespace behind a rate-limited login (admin-auth.ts), read-only. Off unless
 * ADMIN_UI_PASSWORD_HASH is set.
 *
 * "production" mode only aggregates traffic; even so it adds work to every
 * packet (a counter keyed by the current second), which is why it is off by default.
 */
import { createRequire } from "node:module";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import { instrument } from "@socket.io/admin-ui";
import type { FastifyInstance } from "fastify";
import type { MeshServer } from "../realtime/types.js";
import { AdminAuth, type AddressOf } from "./admin-auth.js";
import type { Logger } from "./logger.js";

/** Where the page is served; its Socket.IO namespace is ADMIN_UI_NAMESPACE on the usual path. */
export const ADMIN_UI_PATH = "/admin/";
export const ADMIN_UI_NAMESPACE = "/admin";

export interface AdminUiOptions {
  username: string;
  /** bcrypt hash of the password. */
  passwordHash: string;
  nodeId: string;
  /** Client address of a socket, from the node's guards (X-Forwarded-For as far as TRUST_PROXY goes). */
  addressOf: AddressOf;
  log: Logger;
}

export async function enableAdminUi(app: FastifyInstance, io: MeshServer, opts: AdminUiOptions): Promise<void> {
  // The library's own basic auth has no rate limit or lockout: ours guards the namespace instead.
  const auth = new AdminAuth({ username: opts.username, passwordHash: opts.passwordHash }, opts.addressOf, opts.log);
  io.of(ADMIN_UI_NAMESPACE).use(auth.middleware as never);
  instrument(io as never, {
    namespaceName: ADMIN_UI_NAMESPACE,
    auth: false,
    mode: "production",
    readonly: true,
    serverId: opts.nodeId,
  });
  const pkg = createRequire(import.meta.url).resolve("@socket.io/admin-ui/package.json");
  await app.register(fastifyStatic, {
    root: path.join(path.dirname(pkg), "ui", "dist"),
    prefix: ADMIN_UI_PATH,
    decorateReply: false,
    redirect: true,
  });
}

/** Cluster mode backend (Redis store, presence and adapter). */
import type { Backend } from "../backend.js";
import type { Readiness } from "../lifecycle.js";
import type { Logger } from "../observability/logger.js";

export async function createClusterBackend(_url: string, _log: Logger, _readiness: Readiness): Promise<Backend> {
  throw new Error("cluster mode is not implemented yet");
}

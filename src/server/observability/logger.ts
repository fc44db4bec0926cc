/** Structured JSON logs (pino), tagged with the node id. */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string, nodeId: string): Logger {
  return pino({
    level,
    base: { node: nodeId },
    // Tokens and secrets never reach the logs, whatever a caller passes.
    redact: { paths: ["token", "*.token", "auth.token", "headers.authorization", "headers.cookie"], censor: "[redacted]" },
  });
}

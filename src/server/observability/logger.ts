/** Structured JSON logs (pino), tagged with the node id. */
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Where secrets could sit in what a caller logs: access tokens (top level, in an
 * object, in a Socket.IO handshake's auth), credentials in request headers.
 * Realtime code never logs auth payloads; this is the net under that rule.
 */
export const REDACTED_PATHS = [
  "token",
  "*.token",
  "*.*.token",
  "auth",
  "*.auth",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  "password",
  "*.password",
];

export function createLogger(level: string, nodeId: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { node: nodeId },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}

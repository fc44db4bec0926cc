/** The HAProxy configs docker-compose mounts: same renderer, compose service names. */
import { DEFAULT_PORT } from "../../src/shared/constants.js";
import { renderHaproxyConfig, type Routing } from "./haproxy-config.js";

export const COMPOSE_NODES = ["node1", "node2", "node3"] as const;
export const COMPOSE_ROUTINGS: readonly Routing[] = ["cookie", "board"];
/** Every container on a user-defined Docker network asks this address for names. */
export const COMPOSE_DNS = "127.0.0.11:53";

export function composeHaproxyConfig(routing: Routing): string {
  return renderHaproxyConfig({
    routing,
    bind: `*:${DEFAULT_PORT}`,
    servers: COMPOSE_NODES.map((name) => ({ name, address: `${name}:${DEFAULT_PORT}` })),
    checkIntervalMs: 1000,
    // Docker's embedded DNS: node containers restart on new addresses.
    nameserver: COMPOSE_DNS,
  });
}

/**
 * What meshboard does to Socket.IO 4.8 / Engine.IO 6.6 / ws 8 objects beyond
 * their options, to keep an idle socket's heap small (BENCHMARKS.md,
 * "Connections: heap per socket"). Each adjustment goes through a property
 * the pinned versions document or keep stable, checks it is there and does
 * nothing otherwise; test/unit/io-internals.test.ts fails if one of them stops
 * taking effect after an upgrade.
 */

/** Engine.IO's server as far as these adjustments read it. */
interface EngineServer {
  /** Documented in Engine.IO's README ("hash of connected clients by id"), `protected` in its typings. */
  clients?: unknown;
}

/**
 * Calls `closed(id)` when an Engine.IO connection closes, without a listener
 * per connection: the server deletes a connection from `engine.clients` (a
 * documented property, "hash of connected clients by id") exactly once, when it
 * closes, and `clients` is wrapped in a Proxy that sees the deletion. A listener
 * on each connection's `close` would be its third and cost ~150 bytes (the
 * listener array grows to 19 slots). Returns false, changing nothing, when
 * `clients` is not a plain object; the caller then listens per connection.
 */
export function onEngineConnectionClosed(engine: object, closed: (id: string) => void): boolean {
  const server = engine as EngineServer;
  const clients = server.clients;
  if (typeof clients !== "object" || clients === null || Object.getPrototypeOf(clients) !== Object.prototype) return false;
  server.clients = new Proxy(clients, {
    deleteProperty(target, id) {
      const had = Object.hasOwn(target, id);
      const deleted = Reflect.deleteProperty(target, id);
      if (had && typeof id === "string") closed(id);
      return deleted;
    },
  });
  return true;
}

/**
 * What meshboard does to Socket.IO 4.8 / Engine.IO 6.6 / ws 8 objects beyond
 * their options, to keep an idle socket's heap small (BENCHMARKS.md,
 * "Connections: heap per socket").
 *
 * Two kinds. Releasing the HTTP request (Socket.IO's memory-usage guide sets
 * `request = null`) and the handshake's fields (socket.handshake is Socket.IO's
 * public object) always run. Everything else reaches into private state
 * (listener tables, ws's receiver, Engine.IO's `clients`, Socket.IO's `acks`)
 * and runs only when the installed socket.io, engine.io and ws are exactly the
 * versions it was written for (WRITTEN_FOR, checked once by
 * privateAdjustmentsAllowed); otherwise the node logs one warning naming the
 * versions and runs without them. test/unit/io-internals.test.ts fails when the
 * installed versions differ (so an upgrade re-checks every adjustment) and when
 * an adjustment stops taking effect.
 */

import { readFileSync } from "node:fs";
import { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

/** The exact versions the private adjustments were written and tested for. */
export const WRITTEN_FOR = { "socket.io": "4.8.3", "engine.io": "6.6.12", ws: "8.21.3" } as const;
export type IoPackage = keyof typeof WRITTEN_FOR;

/** The package.json of the package whose entry point is `entry`: the nearest one up that names it. */
function packageVersion(entry: string, name: string): string | null {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? null;
    } catch {
      // no package.json here: look further up
    }
  }
  return null;
}

/**
 * The versions the node actually runs: socket.io as this module resolves it,
 * engine.io as socket.io resolves it, ws as engine.io resolves it (engine.io
 * may carry its own ws, another version than the project's).
 */
export function installedIoVersions(): Record<IoPackage, string | null> {
  const socketIo = createRequire(import.meta.url).resolve("socket.io");
  const engineIo = createRequire(socketIo).resolve("engine.io");
  const ws = createRequire(engineIo).resolve("ws");
  return {
    "socket.io": packageVersion(socketIo, "socket.io"),
    "engine.io": packageVersion(engineIo, "engine.io"),
    ws: packageVersion(ws, "ws"),
  };
}

/** Where the installed versions differ from WRITTEN_FOR, as one sentence; null when they are the same. */
export function versionMismatch(installed: Record<IoPackage, string | null>): string | null {
  const names = Object.keys(WRITTEN_FOR) as IoPackage[];
  if (names.every((n) => installed[n] === WRITTEN_FOR[n])) return null;
  const list = (v: Record<IoPackage, string | null>) => names.map((n) => `${n} ${v[n] ?? "(not found)"}`).join(", ");
  return `installed ${list(installed)}; io-internals.ts was written for ${list(WRITTEN_FOR)}`;
}

/** What the adjustments log through (the node's logger). */
export interface InternalsLog {
  warn(fields: object, message: string): void;
}

let allowed: boolean | undefined;

/**
 * The one check: whether the private adjustments may run here. Decided once
 * per process; the first caller's log gets the one warning when they may not.
 */
export function privateAdjustmentsAllowed(log?: InternalsLog): boolean {
  if (allowed === undefined) {
    const installed = installedIoVersions();
    const mismatch = versionMismatch(installed);
    allowed = mismatch === null;
    if (mismatch) log?.warn({ installed, writtenFor: WRITTEN_FOR }, `${mismatch}: running without its private adjustments (idle sockets cost more heap)`);
  }
  return allowed;
}

/** Whether to run the private adjustments: forced (tests), or the version check's answer. */
export interface InternalsOptions {
  log?: InternalsLog;
  /** Overrides the version check (tests of the fallback). */
  allowPrivate?: boolean;
}
const privateAllowed = (opts: InternalsOptions): boolean => opts.allowPrivate ?? privateAdjustmentsAllowed(opts.log);

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
 * listener array grows to 19 slots). Private (`clients` is protected in Engine.IO's
 * typings). Returns false, changing nothing, when the versions are not the ones it
 * was written for or `clients` is not a plain object; the caller then listens per
 * connection.
 */
export function onEngineConnectionClosed(engine: object, closed: (id: string) => void, opts: InternalsOptions = {}): boolean {
  if (!privateAllowed(opts)) return false;
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

/** Node's EventEmitter, as far as these adjustments use it (all documented). */
interface Emitter {
  rawListeners(event: string): Array<Listener>;
  listeners(event: string): Array<(...args: never[]) => unknown>;
  on(event: string, listener: (...args: never[]) => unknown): unknown;
  prependListener(event: string, listener: (...args: never[]) => unknown): unknown;
  removeListener(event: string, listener: (...args: never[]) => unknown): unknown;
  eventNames?(): Array<string | symbol>;
}
/** A raw listener: once() wraps the listener and exposes it as `.listener` (documented with rawListeners). */
type Listener = ((...args: never[]) => unknown) & { listener?: (...args: never[]) => unknown };

const isEmitter = (x: unknown): x is Emitter =>
  typeof x === "object" && x !== null && typeof (x as Emitter).rawListeners === "function" && typeof (x as Emitter).prependListener === "function";

/** What a connection's objects look like in the pinned versions, every field optional (feature detection). */
interface Connection {
  request?: object | null;
  cleanupFn?: unknown;
  transport?: { name?: string; socket?: unknown } & Partial<Emitter>;
}
interface SocketIOSocket {
  conn: Connection;
  client?: { decoder?: { _callbacks?: Record<string, unknown> } };
  handshake: { headers: object; query: object; auth: object; time: string; url: string };
  _anyListeners?: unknown;
  _anyOutgoingListeners?: unknown;
  acks?: unknown;
}

/** Shared by every released handshake: nothing reads these once the session has started. */
const RELEASED = Object.freeze({ __proto__: null }) as object;

/**
 * Replaces an array property by an exact copy. V8 gives an array that grew by
 * push() 17 slots (152 bytes) whatever its length; these arrays hold one or two
 * listeners and are never pushed to again in a session's life.
 */
function compact(holder: object | undefined, key: string): void {
  const h = holder as Record<string, unknown> | undefined;
  const a = h?.[key];
  if (Array.isArray(a)) h![key] = a.slice();
}

/**
 * Turns an emitter's once() listeners for `event` into plain ones, in place and
 * in order: each once() costs a wrapper, its state and a bound function (~150
 * bytes) for as long as the event has not fired. Only for events an object
 * emits at most once in its life (a close), with at most two listeners (a
 * third would make Node grow the listener array to 19 slots).
 */
function unwrapOnce(emitter: unknown, event: string): void {
  if (!isEmitter(emitter)) return;
  const raw = emitter.rawListeners(event);
  if (raw.length > 2 || !raw.some((l) => typeof l.listener === "function")) return;
  for (const l of raw) emitter.removeListener(event, l);
  for (const l of raw) emitter.on(event, typeof l.listener === "function" ? l.listener : l);
}

/**
 * Re-registers every listener of an emitter, in order, from a fresh listener
 * table: Node replaces an emitter's table when its last listener goes, and a
 * table that once held six events keeps room for sixteen (448 bytes) after one
 * is removed; rebuilt with five it takes 256. `drop` events lose their
 * listeners, `unwrap` events get their once() wrappers unwrapped (see
 * unwrapOnce for when that is sound). Skipped if any event has more than two
 * listeners or the emitter watches its own listeners.
 */
function rebuildListeners(emitter: unknown, { drop, unwrap }: { drop: string[]; unwrap: string[] }): void {
  if (!isEmitter(emitter) || typeof emitter.eventNames !== "function") return;
  const events = emitter.eventNames();
  if (events.includes("newListener") || events.includes("removeListener")) return;
  const saved = events.map((event) => [event, emitter.rawListeners(event as string)] as const);
  if (saved.some(([, ls]) => ls.length > 2)) return;
  for (const [event, ls] of saved) for (const l of ls) emitter.removeListener(event as string, l);
  for (const [event, ls] of saved) {
    if (typeof event === "string" && drop.includes(event)) continue;
    const plain = typeof event === "string" && unwrap.includes(event);
    for (const l of ls) emitter.on(event as string, plain && typeof l.listener === "function" ? l.listener : l);
  }
}

/**
 * ws keeps the mask of the last frame it received (`receiver._mask`, read only
 * while that frame is unmasked, replaced by the next frame's) as a view into the
 * chunk the frame arrived in, so an idle connection pins that chunk (~200
 * bytes for a heartbeat). One listener shared by every WebSocket drops it once
 * the message has been handled; ws calls it with `this` = the WebSocket.
 */
function releaseMask(this: { _receiver?: { _mask?: unknown } | null }): void {
  const receiver = this._receiver;
  if (receiver && receiver._mask !== undefined) receiver._mask = undefined;
}

/**
 * Stands in for a Socket.IO socket's `acks` Map (ack callbacks of emits the
 * server made with an acknowledgement, by packet id) and makes the Map on the
 * first such emit: an empty Map costs 184 bytes, this 32. Socket.IO 4.8 and
 * its adapter only get, set and delete; the rest of Map's reading API is here
 * too, so nothing that reads acks can tell.
 */
export class LazyAcks<V = unknown> {
  private map: Map<number, V> | undefined = undefined;

  get(id: number): V | undefined {
    return this.map?.get(id);
  }

  has(id: number): boolean {
    return this.map?.has(id) ?? false;
  }

  set(id: number, ack: V): this {
    (this.map ??= new Map()).set(id, ack);
    return this;
  }

  delete(id: number): boolean {
    return this.map?.delete(id) ?? false;
  }

  clear(): void {
    this.map?.clear();
  }

  get size(): number {
    return this.map?.size ?? 0;
  }

  forEach(fn: (ack: V, id: number, acks: this) => void): void {
    this.map?.forEach((ack, id) => fn(ack, id, this));
  }

  keys(): IterableIterator<number> {
    return (this.map ?? new Map<number, V>()).keys();
  }

  values(): IterableIterator<V> {
    return (this.map ?? new Map<number, V>()).values();
  }

  entries(): IterableIterator<[number, V]> {
    return (this.map ?? new Map<number, V>()).entries();
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }
}

/** Removes an emitter's listeners for `event` that satisfy `which`. */
function removeListeners(emitter: unknown, event: string, which: (l: Listener) => boolean): void {
  if (!isEmitter(emitter)) return;
  for (const l of emitter.rawListeners(event)) if (which(l)) emitter.removeListener(event, l);
}

/**
 * What a started session no longer needs from Socket.IO, Engine.IO and ws.
 * Installs what it needs to see upgrades (an Engine.IO middleware and an
 * `upgrade` listener ahead of Engine.IO's) and returns the function to call once
 * per socket, after its session has started. Per socket it releases:
 *
 * - the HTTP request, kept by Engine.IO for the connection's life, and for a
 *   WebSocket upgrade the response shim it hands to middlewares with the
 *   `close` listener that shim put on the TCP socket (which kept it alive);
 * - the handshake's headers, query, auth, url and time string (socket.handshake
 *   keeps `address`, `issued`, `secure`, `xdomain`): handshake.ts reads them
 *   before the session starts, the guards take the address from the Engine.IO
 *   connection, and the Admin UI (production mode) does not read them;
 * - the no-op `error` listener Engine.IO leaves on the WebSocket
 *   (`onUpgradeError`, superseded by the transport's own once the connection is
 *   set up) and the `headers` listener on a WebSocket transport (only polling
 *   transports emit `headers`), whose listener table is then rebuilt smaller;
 * - once() wrappers of the close listeners of the connection, its WebSocket
 *   transport and the WebSocket (each emitted once), and of the transport's
 *   `error` listener (Engine.IO closes the connection on the first one);
 * - the last received frame's mask, which pins the chunk it arrived in (again
 *   after every message: releaseMask);
 * - the socket's empty `acks` Map, made again on the first emit with an
 *   acknowledgement (LazyAcks);
 * - the spare capacity of arrays that got one listener by push(): the socket's
 *   onAny / onAnyOutgoing lists, the parser's `decoded` listeners and the
 *   connection's transport clean-up list (refilled by push() only on an upgrade).
 *
 * Together ~3 KB of heap per idle WebSocket (BENCHMARKS.md). Only the first two
 * run when the versions are not the ones this was written for.
 */
export function sessionRelease(io: { engine: unknown; httpServer?: unknown }, opts: InternalsOptions = {}): (socket: object) => void {
  if (!privateAllowed(opts)) return releasePublic;
  /** Per upgrading TCP socket, its close listeners before Engine.IO saw it. */
  const closeListenersBefore = new WeakMap<object, Listener[]>();
  /** Per upgrade request, the response shim and the close listener it added to the TCP socket. */
  const shims = new WeakMap<object, { shim: { req: unknown; socket?: unknown }; onClose: Listener | undefined }>();
  const http = io.httpServer;
  if (isEmitter(http)) {
    http.prependListener("upgrade", ((_req: unknown, socket: unknown) => {
      if (isEmitter(socket)) closeListenersBefore.set(socket, socket.rawListeners("close"));
    }));
  }
  const engine = io.engine as { use?: (fn: (req: object, res: object, next: () => void) => void) => void };
  engine.use?.((req, res, next) => {
    // A WebSocket upgrade's response is Engine.IO's shim (not an http.ServerResponse), holding req and the TCP socket.
    if (!(res instanceof ServerResponse) && "req" in res) {
      const shim = res as { req: unknown; socket?: unknown };
      const tcp = shim.socket;
      const before = isEmitter(tcp) ? closeListenersBefore.get(tcp) : undefined;
      if (before) closeListenersBefore.delete(tcp as object);
      // What the shim's constructor added: one once("close") re-emitting on the shim.
      const added = before && isEmitter(tcp) ? tcp.rawListeners("close").filter((l) => !before.includes(l)) : [];
      shims.set(req, { shim, onClose: added.length === 1 ? added[0] : undefined });
    }
    next();
  });

  return (s) => {
    const socket = s as SocketIOSocket;
    const conn = socket.conn;
    const upgrade = conn.request ? shims.get(conn.request) : undefined;
    if (upgrade) {
      upgrade.shim.req = null;
      if (upgrade.onClose && isEmitter(upgrade.shim.socket)) upgrade.shim.socket.removeListener("close", upgrade.onClose);
    }
    releasePublic(socket);

    unwrapOnce(conn, "close");
    const transport = conn.transport;
    if (transport?.name === "websocket") {
      const ws = transport.socket;
      removeListeners(ws, "error", (l) => l.name === "onUpgradeError");
      unwrapOnce(ws, "close");
      const receiver = (ws as { _receiver?: object } | undefined)?._receiver;
      if (isEmitter(ws) && receiver && "_mask" in receiver) {
        releaseMask.call(ws as never);
        ws.on("message", releaseMask);
      }
      rebuildListeners(transport, { drop: ["headers"], unwrap: ["close", "error"] });
      compact(conn, "cleanupFn");
    }
    if (socket.acks instanceof Map && socket.acks.size === 0) socket.acks = new LazyAcks();
    compact(socket, "_anyListeners");
    compact(socket, "_anyOutgoingListeners");
    compact(socket.client?.decoder?._callbacks, "$decoded");
  };
}

/** The request (Socket.IO's memory-usage guide) and the handshake's per-socket fields: public properties only. */
function releasePublic(s: object): void {
  const socket = s as SocketIOSocket;
  if ("request" in socket.conn) socket.conn.request = null;
  const h = socket.handshake;
  h.headers = RELEASED;
  h.query = RELEASED;
  h.auth = RELEASED;
  h.url = "";
  h.time = "";
}

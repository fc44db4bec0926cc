/**
 * Counts the messages a cluster adapter exchanges with the other nodes, by
 * wrapping the adapter's own publish and receive methods on the instance.
 *
 * Socket.IO's ClusterAdapter family (the sharded Redis adapter, the Redis
 * streams adapter) publishes through doPublish/doPublishResponse and hands every
 * message it receives to onMessage/onResponse, all called as `this.method(...)`,
 * so wrapping them on the instance sees every message. The in-memory adapter of
 * an embedded node has none of these methods and is left untouched.
 */
export interface AdapterCounters {
  adapterPublished: { inc(): void };
  adapterReceived: { inc(): void };
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Returns true when the adapter was instrumented. */
export function countAdapterTraffic(adapter: object, counters: AdapterCounters): boolean {
  const a = adapter as Record<string, unknown> & { uid?: string };
  if (typeof a.doPublish !== "function" || typeof a.onMessage !== "function") return false;

  const wrap = (name: string, count: (args: unknown[]) => void) => {
    const original = a[name];
    if (typeof original !== "function") return;
    a[name] = function (this: unknown, ...args: unknown[]) {
      count(args);
      return (original as Method).apply(this, args);
    };
  };
  wrap("doPublish", () => counters.adapterPublished.inc());
  wrap("doPublishResponse", () => counters.adapterPublished.inc());
  // On a shared channel a node also hears its own messages; it ignores them, and so do we.
  wrap("onMessage", (args) => {
    if ((args[0] as { uid?: string } | undefined)?.uid !== a.uid) counters.adapterReceived.inc();
  });
  wrap("onResponse", () => counters.adapterReceived.inc());
  return true;
}

/**
 * The sharded Redis adapter subscribes and unsubscribes as rooms come and go and
 * ignores the promises it gets back. While Redis is down they reject, and an
 * unhandled rejection ends the process: exactly when the node should stay up,
 * report not ready and recover. This marks those rejections handled (and logs
 * them); node-redis resubscribes whatever is still subscribed when Redis returns.
 */
import type { Logger } from "../observability/logger.js";

const SUBSCRIPTION_METHODS = ["sSubscribe", "sUnsubscribe", "subscribe", "unsubscribe", "pSubscribe", "pUnsubscribe"] as const;

export function handleSubscriptionErrors<T extends object>(client: T, log: Logger): T {
  const c = client as Record<string, unknown>;
  for (const name of SUBSCRIPTION_METHODS) {
    const original = c[name];
    if (typeof original !== "function") continue;
    c[name] = (...args: unknown[]) => {
      const result: unknown = original.apply(client, args);
      if (result instanceof Promise) {
        result.catch((err: Error) => log.debug({ err: err.message, command: name }, "subscription change failed while Redis is unreachable"));
      }
      return result;
    };
  }
  return client;
}

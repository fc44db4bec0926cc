/**
 * An in-memory stand-in for the browser's Web Locks API (navigator.locks) with
 * the semantics the outbox relies on: exclusive locks granted in request
 * order, `ifAvailable` answered at once, `signal` withdrawing a queued request,
 * a lock released when its callback's promise settles. Several "tabs" of one
 * test share one instance, as tabs of one origin share the browser's.
 */
import type { LockManagerLike } from "../../src/shared/client/tab-presence.js";

interface Waiter {
  callback: (lock: unknown) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class FakeLocks implements LockManagerLike {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, Waiter[]>();

  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.held.has(name) && options.ifAvailable) {
        Promise.resolve(callback(null)).then(resolve, reject);
        return;
      }
      const waiter: Waiter = { callback, resolve, reject };
      const queue = this.queues.get(name) ?? [];
      this.queues.set(name, queue);
      queue.push(waiter);
      options.signal?.addEventListener("abort", () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) {
          queue.splice(i, 1);
          reject(new Error("AbortError"));
        }
      });
      this.grant(name);
    });
  }

  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  private grant(name: string): void {
    if (this.held.has(name)) return;
    const next = this.queues.get(name)?.shift();
    if (!next) return;
    this.held.add(name);
    Promise.resolve()
      .then(() => next.callback({ name }))
      .then(next.resolve, next.reject)
      .finally(() => {
        this.held.delete(name);
        this.grant(name);
      });
  }
}

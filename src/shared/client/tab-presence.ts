/**
 * Which outbox records belong to a live tab. Each tab claims its outbox key for
 * as long as it lives; a record whose key nobody holds was left by a tab that is
 * gone, and the next page of the same board adopts it at once.
 *
 * Two ways to know: the Web Locks API (a lock is released the instant its tab
 * closes or crashes), and, where a page has no Web Locks (an insecure origin),
 * a heartbeat lease in the storage itself.
 */
import type { KeyValueStorage } from "./storage.js";

export interface TabPresence {
  /** Holds `key` for this tab until `release()`. */
  claim(key: string): void;
  /** Resolves true when no live tab holds `key`. */
  isOrphan(key: string): Promise<boolean>;
  /** Calls `gone` once, when the tab holding `key` is gone; returns the cancel. */
  watch(key: string, gone: () => void): () => void;
  release(): void;
}

/** The part of the Web Locks API (navigator.locks) used here. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => unknown): Promise<unknown>;
}

export function webLocksPresence(locks: LockManagerLike): TabPresence {
  const held: Array<() => void> = [];
  return {
    claim(key) {
      // The lock is ours until the returned promise settles: on release(), or when the tab goes.
      void locks.request(key, {}, () => new Promise<void>((resolve) => held.push(resolve))).catch(() => undefined);
    },
    async isOrphan(key) {
      // Granted at once only when no one holds it; held for no longer than this callback.
      const free = await locks.request(key, { ifAvailable: true }, (lock) => lock !== null).catch(() => false);
      return free === true;
    },
    watch(key, gone) {
      const abort = new AbortController();
      locks.request(key, { signal: abort.signal }, () => gone()).catch(() => undefined); // aborted: nothing to do
      return () => abort.abort();
    },
    release() {
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

const LEASE_SUFFIX = ":alive";
const HEARTBEAT_MS = 10_000;
const ORPHAN_AFTER_MS = 30_000;

/** Fallback without Web Locks: a tab writes a heartbeat next to its record; one 30 s old is gone. */
export function leasePresence(storage: KeyValueStorage): TabPresence {
  const beats: Array<ReturnType<typeof setInterval>> = [];
  const watches = new Set<ReturnType<typeof setInterval>>();
  const stale = (key: string) => {
    const at = Number(storage.read(key + LEASE_SUFFIX));
    return !Number.isFinite(at) || Date.now() - at > ORPHAN_AFTER_MS;
  };
  return {
    claim(key) {
      const beat = () => storage.write(key + LEASE_SUFFIX, String(Date.now()));
      beat();
      beats.push(setInterval(beat, HEARTBEAT_MS));
    },
    isOrphan(key) {
      if (!stale(key)) return Promise.resolve(false);
      storage.remove(key + LEASE_SUFFIX); // the adopter takes the record; its lease goes with it
      return Promise.resolve(true);
    },
    watch(key, gone) {
      const timer = setInterval(() => {
        if (!stale(key)) return;
        clearInterval(timer);
        watches.delete(timer);
        storage.remove(key + LEASE_SUFFIX);
        gone();
      }, HEARTBEAT_MS);
      watches.add(timer);
      return () => (clearInterval(timer), watches.delete(timer));
    },
    release() {
      for (const t of beats.splice(0)) clearInterval(t);
      for (const t of watches) clearInterval(t);
      watches.clear();
    },
  };
}

/** A process with no other tabs (Node clients): every record it did not write is nobody's. */
export const soleTab: TabPresence = {
  claim: () => undefined,
  isOrphan: () => Promise.resolve(true),
  watch: () => () => undefined,
  release: () => undefined,
};

export const isLeaseKey = (key: string): boolean => key.endsWith(LEASE_SUFFIX);

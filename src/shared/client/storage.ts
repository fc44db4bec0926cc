/**
 * Where the outbox keeps unsent ops: a string key-value store that never throws.
 * The browser passes localStorage (src/client/browser/local-storage.ts); Node
 * clients an in-memory map. A failed write degrades to "not remembered".
 */
export interface KeyValueStorage {
  read(key: string): string | null;
  /** False when the value could not be stored (quota, disabled storage). */
  write(key: string, value: string): boolean;
  remove(key: string): void;
  /** Keys that start with `prefix`. */
  keys(prefix: string): string[];
  /**
   * Calls `fn` when another holder of the same storage (another tab) writes a key
   * starting with `prefix`; returns the unsubscribe. Optional: storages no one
   * else shares have nothing to report.
   */
  watch?(prefix: string, fn: (key: string) => void): () => void;
}

/** A storage that lives as long as the process (Node clients, tests). */
export function memoryStorage(): KeyValueStorage & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    read: (key) => map.get(key) ?? null,
    write: (key, value) => (map.set(key, value), true),
    remove: (key) => void map.delete(key),
    keys: (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  };
}

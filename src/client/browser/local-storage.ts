/**
 * localStorage that never throws: private modes, quotas and disabled storage
 * must degrade to "not remembered", not to a broken board.
 */
import type { KeyValueStorage } from "../../shared/client/storage.js";

export function readLocal(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Returns false when the value could not be stored (quota, disabled storage). */
export function writeLocal(key: string, value: string): boolean {
  try {
    localStorage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function removeLocal(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing to do: storage is unavailable
  }
}

/** The page's localStorage as the headless client's storage; other tabs' writes arrive as `storage` events. */
export function browserStorage(): KeyValueStorage {
  return {
    read: readLocal,
    write: writeLocal,
    remove: removeLocal,
    keys(prefix) {
      const keys: string[] = [];
      try {
        for (let i = 0; i < localStorage.length; i++) {
          const k = localStorage.key(i);
          if (k?.startsWith(prefix)) keys.push(k);
        }
      } catch {
        // storage unavailable: nothing stored
      }
      return keys;
    },
    watch(prefix, fn) {
      const onStorage = (e: StorageEvent) => {
        if (e.key?.startsWith(prefix) && e.newValue !== null) fn(e.key);
      };
      addEventListener("storage", onStorage);
      return () => removeEventListener("storage", onStorage);
    },
  };
}

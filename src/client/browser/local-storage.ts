/**
 * localStorage that never throws: private modes, quotas and disabled storage
 * must degrade to "not remembered", not to a broken board.
 */

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

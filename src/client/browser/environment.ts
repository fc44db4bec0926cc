/** What the headless client needs from the browser: tab liveness, the network's state, this tab's id. */
import type { NetworkProbe } from "../../shared/client/board-session.js";
import type { KeyValueStorage } from "../../shared/client/storage.js";
import { leasePresence, webLocksPresence, type LockManagerLike, type TabPresence } from "../../shared/client/tab-presence.js";
import { randomId } from "../../shared/ids.js";

const TAB_KEY = "meshboard:tab";

/** Web Locks where the page has them (secure origins), else a heartbeat lease in `storage`. */
export function browserTabs(storage: KeyValueStorage): TabPresence {
  const locks = (navigator as { locks?: LockManagerLike }).locks;
  return locks ? webLocksPresence(locks) : leasePresence(storage);
}

export function browserNetwork(): NetworkProbe {
  return {
    online: () => navigator.onLine !== false,
    watch(fn) {
      addEventListener("online", fn);
      addEventListener("offline", fn);
      return () => {
        removeEventListener("online", fn);
        removeEventListener("offline", fn);
      };
    },
  };
}

/** Identifies this tab across its reloads (sessionStorage is per tab), so tabs don't overwrite each other. */
export function browserTabId(): string {
  try {
    const existing = sessionStorage.getItem(TAB_KEY);
    if (existing) return existing;
    const id = randomId(10);
    sessionStorage.setItem(TAB_KEY, id);
    return id;
  } catch {
    return randomId(10);
  }
}

/**
 * Unsent work this browser could not store (its storage is full or turned off)
 * lives only in this tab until the server has it: the page says so, and asks
 * before the tab is closed or reloaded. Stored work needs neither: the next page
 * of the board sends it.
 */
import type { OutboxState } from "../../shared/client/outbox.js";
import type { NoticeBanner } from "../ui/notice-banner.js";

export const UNSTORED_NOTICE =
  "This browser could not keep a copy of your unsent changes (its storage is full or turned off). Keep this tab open until they are sent.";

/** Asks before the page goes (a `beforeunload` listener blocks the back/forward cache: it is there only while needed). */
function askBeforeLeaving(e: BeforeUnloadEvent): void {
  e.preventDefault();
  // Browsers that predate preventDefault here ask only when returnValue is set.
  e.returnValue = "";
}

/** Returns what to call with every new outbox state. */
export function guardUnstoredWork(notice: NoticeBanner): (state: OutboxState) => void {
  let guarding = false;
  return (state) => {
    const atRisk = state.unsent > 0 && !state.stored;
    notice.show("unstored-work", atRisk ? UNSTORED_NOTICE : undefined);
    if (atRisk === guarding) return;
    guarding = atRisk;
    if (atRisk) addEventListener("beforeunload", askBeforeLeaving);
    else removeEventListener("beforeunload", askBeforeLeaving);
  };
}

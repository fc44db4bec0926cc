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

const atRisk = (st: OutboxState): boolean => st.unsent > 0 && !st.stored;

/** Installs the guard; returns what to call with every new outbox state. */
export function guardUnstoredWork(notice: NoticeBanner, current: () => OutboxState): (state: OutboxState) => void {
  addEventListener("beforeunload", (e) => {
    if (!atRisk(current())) return;
    e.preventDefault();
    // Browsers that predate preventDefault here ask only when returnValue is set.
    e.returnValue = "";
  });
  return (state) => notice.show("unstored-work", atRisk(state) ? UNSTORED_NOTICE : undefined);
}

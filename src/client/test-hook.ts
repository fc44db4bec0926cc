import type { Item, PeerPreview } from "../shared/protocol.js";
import type { OutboxState } from "../shared/client/outbox.js";

/**
 * Test/diagnostic hook: `window.__meshboard` exposes read-only facts about the
 * client so browser tests (test/e2e) and curious people in the devtools console
 * can see what the board is doing. It changes nothing and carries no secrets.
 */

export interface MeshboardTestHook {
  /** Highest seq applied to the confirmed board. */
  head(): number;
  /** Items currently visible (confirmed board plus this browser's pending ops). */
  itemCount(): number;
  /** Ops waiting for the server's acknowledgement. */
  pending(): number;
  /** The outbox as the badge shows it: unsent, adopted from closed tabs, why it waits. */
  outbox(): OutboxState;
  /** Node serving this session (`welcome.node`), null while disconnected. */
  node(): string | null;
  /** "connecting" | "connected" | "reconnecting" | "offline" | "refused". */
  status(): string;
  /** This person's view: board point at the top-left, and zoom (1 = 100 %). */
  view(): { offsetX: number; offsetY: number; zoom: number };
  /** Copies of the visible items, in paint order. */
  items(): Item[];
  /** The active tool's id. */
  tool(): string;
  /** Whether the server made this session view-only (`welcome.readOnly`). */
  readOnly(): boolean;
  /** Other people's live previews shown now (shapes, moves, texts, selections). */
  previews(): PeerPreview[];
}

declare global {
  interface Window {
    __meshboard?: MeshboardTestHook;
  }
}

export function installTestHook(hook: MeshboardTestHook): void {
  window.__meshboard = Object.freeze(hook);
}

/**
 * Shows whether we are connected, reconnecting or offline, which node serves
 * us, and how much work has not reached the server yet ("Offline · 3 unsent",
 * "Rate-limited · 120 unsent", …): unsent work is never invisible.
 */
import type { ConnectionStatus } from "../../shared/client/board-session.js";
import type { OutboxState } from "../../shared/client/outbox.js";

const LABELS: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  refused: "Not connected",
};

/** Why a connected session's work waits, in words. */
function heldLabel(held: OutboxState["held"]): string | null {
  switch (held) {
    case null:
      return null;
    case "rate_limited":
      return "Rate-limited";
    case "storage_full":
      return "Server storage full";
    case "storage_unavailable":
      return "Server storage busy";
    case "timeout":
      return "Server slow";
    default:
      return "Retrying";
  }
}

export class ConnectionBadge {
  private node: string | null = null;
  private status: ConnectionStatus = "connecting";
  private outbox: OutboxState = { unsent: 0, adopted: 0, held: null, stored: true };

  constructor(
    private readonly root: HTMLElement,
    private readonly text: HTMLElement,
  ) {}

  setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.render();
  }

  setNode(node: string | null): void {
    this.node = node;
    this.render();
  }

  setOutbox(state: OutboxState): void {
    this.outbox = state;
    this.render();
  }

  private render(): void {
    const { unsent, adopted, held, stored } = this.outbox;
    this.root.dataset.status = this.status;
    this.root.dataset.unsent = String(unsent);
    const label = this.label();
    // Something the person should notice even where the connected label is hidden (phones).
    this.root.toggleAttribute("data-attention", unsent > 0 && label !== LABELS.connected);
    this.text.textContent = label === LABELS.connected && this.node ? `${label} · ${this.node}` : label;
    const detail = unsent
      ? `${unsent} change${unsent === 1 ? "" : "s"} not yet saved${adopted ? ` (${adopted} from a closed tab)` : ""}${stored ? "" : ", and not kept on this device"}`
      : null;
    this.root.title = [this.node ? `Served by node ${this.node}` : null, detail, held ? `waiting: ${held}` : null].filter(Boolean).join(" · ") || label;
  }

  private label(): string {
    const { unsent, adopted, held } = this.outbox;
    const base = LABELS[this.status];
    if (this.status !== "connected") {
      if (unsent) return `${base} · ${unsent} unsent`;
      return this.status === "offline" ? "Offline — your strokes are kept" : base;
    }
    if (!unsent) return base;
    const reason = heldLabel(held) ?? (adopted ? "Recovering" : null);
    return reason ? `${reason} · ${unsent} unsent` : base;
  }
}

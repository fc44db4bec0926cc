/** Shows whether we are connected, reconnecting or offline, and which node serves us. */
import type { ConnectionStatus } from "../sync/board-session.js";

const LABELS: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline — your strokes are kept",
  refused: "Not connected",
};

export class ConnectionBadge {
  private node: string | null = null;
  private status: ConnectionStatus = "connecting";

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

  private render(): void {
    this.root.dataset.status = this.status;
    const label = LABELS[this.status];
    this.text.textContent = this.status === "connected" && this.node ? `${label} · ${this.node}` : label;
    this.root.title = this.node ? `Served by node ${this.node}` : label;
  }
}

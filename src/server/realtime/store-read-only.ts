/**
 * Sessions that started read-only because the store refused writes (welcome's
 * `readOnlyReason`). While there are any, the node retries one of their presence
 * writes every PROBE_MS: the first write the store takes again (this probe, or any
 * op or join) ends the refusal, and these sessions' transports are closed so their
 * clients reconnect at once and get a writable session (their outboxes resend).
 */
import type { StoreWrites } from "../board/store-writes.js";
import type { MeshSocket } from "./types.js";

export const PROBE_MS = 2_000;

export class StoreReadOnlySessions {
  private readonly sockets = new Set<MeshSocket>();
  private timer: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(
    private readonly writes: StoreWrites,
    /** Writes one session's presence again; rejects while the store refuses. */
    private readonly probe: (socket: MeshSocket) => Promise<void>,
    private readonly probeMs = PROBE_MS,
  ) {
    writes.onRecovered(() => this.release());
  }

  get size(): number {
    return this.sockets.size;
  }

  add(socket: MeshSocket): void {
    this.sockets.add(socket);
    socket.once("disconnect", () => this.sockets.delete(socket));
    this.timer ??= setInterval(() => void this.tick(), this.probeMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sockets.clear();
  }

  private async tick(): Promise<void> {
    if (this.probing) return;
    const socket = this.sockets.values().next().value;
    if (!socket) return this.close();
    this.probing = true;
    try {
      await this.probe(socket);
      this.writes.accepted();
    } catch (err) {
      this.writes.failed(err);
    } finally {
      this.probing = false;
    }
  }

  /** The store takes writes again: these clients reconnect to writable sessions. */
  private release(): void {
    const sockets = [...this.sockets];
    this.close();
    // Closing the transport (not disconnect(true)) makes the client reconnect by itself.
    for (const socket of sockets) socket.conn.close();
  }
}

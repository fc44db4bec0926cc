/**
 * Readiness of this node: starting → ready → draining, plus dependency health.
 * Ready means "send me sessions": a node whose store refuses writes (full) stays
 * ready, because it still serves every board read-only and every node shares that
 * store; it reports the condition under `degraded` instead (docs/operations.md).
 */
export type Phase = "starting" | "ready" | "draining";

export class Readiness {
  private phase: Phase = "starting";
  private readonly dependencies = new Map<string, () => boolean>();
  private readonly conditions = new Map<string, () => boolean>();

  /** Registers a dependency (e.g. Redis) that must be up for the node to be ready. */
  depend(name: string, healthy: () => boolean): void {
    this.dependencies.set(name, healthy);
  }

  /** Registers a condition that degrades service without making the node unready (e.g. store writes refused). */
  degradedWhen(name: string, active: () => boolean): void {
    this.conditions.set(name, active);
  }

  /** Names of the conditions in effect. */
  degraded(): string[] {
    return [...this.conditions].filter(([, active]) => active()).map(([name]) => name);
  }

  markReady(): void {
    if (this.phase === "starting") this.phase = "ready";
  }

  markDraining(): void {
    this.phase = "draining";
  }

  get current(): Phase {
    return this.phase;
  }

  /** Names of dependencies that are down. */
  failing(): string[] {
    return [...this.dependencies].filter(([, healthy]) => !healthy()).map(([name]) => name);
  }

  isReady(): boolean {
    return this.phase === "ready" && this.failing().length === 0;
  }
}

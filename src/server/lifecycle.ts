/** Readiness of this node: starting → ready → draining, plus dependency health. */
export type Phase = "starting" | "ready" | "draining";

export class Readiness {
  private phase: Phase = "starting";
  private readonly dependencies = new Map<string, () => boolean>();

  /** Registers a dependency (e.g. Redis) that must be up for the node to be ready. */
  depend(name: string, healthy: () => boolean): void {
    this.dependencies.set(name, healthy);
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

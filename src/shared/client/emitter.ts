/**
 * A small typed event emitter: each event name maps to the one argument its
 * listeners get. Listeners added while an event is being emitted hear the next
 * one, not this one; a listener that throws does not stop the others.
 */
export type EventMap = Record<string, unknown>;

export class Emitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<(value: never) => void>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, fn: (value: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => this.off(event, fn);
  }

  off<K extends keyof Events>(event: K, fn: (value: Events[K]) => void): void {
    this.listeners.get(event)?.delete(fn);
  }

  protected emit<K extends keyof Events>(event: K, ...[value]: Events[K] extends void ? [] : [Events[K]]): void {
    const set = this.listeners.get(event);
    if (!set?.size) return;
    for (const fn of [...set]) {
      try {
        (fn as (value: Events[K]) => void)(value as Events[K]);
      } catch (err) {
        // One broken listener must not cost the others their event (nor the session its state).
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

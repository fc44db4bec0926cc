/**
 * Whether the store takes writes right now, as the node's last writes found it.
 * A store can refuse writes and still serve reads (Redis at `maxmemory` with
 * `noeviction`, a disk full under SQLite, a read-only replica): the node then
 * serves boards read-only with a plain reason instead of turning people away.
 *
 * Every board write (op append, presence) reports here. The first refusal opens a
 * refusal; the first write accepted after it closes it and calls the `recovered`
 * listeners (sessions started read-only reconnect to get their tools back).
 */

/** The reason shown to people (welcome.readOnlyReason) while the store refuses writes. */
export const READ_ONLY_REASONS = {
  full: "The board's storage is full: you can look, but changes cannot be saved right now.",
  refused: "The board's storage is not accepting changes right now: you can look, but not draw.",
} as const;

export class StoreWrites {
  private refusal: string | null = null;
  private readonly listeners: Array<() => void> = [];

  /** A write failed: a refusal if the store answered with one (full, read-only); other failures (down, timeouts) are not. */
  failed(err: unknown): void {
    const reason = refusalReason(err);
    if (reason) this.refusal = reason;
  }

  /** A write went through. */
  accepted(): void {
    if (this.refusal === null) return;
    this.refusal = null;
    for (const listener of this.listeners) listener();
  }

  /** The reason writes are refused, or undefined while they are taken. */
  readOnlyReason(): string | undefined {
    return this.refusal ?? undefined;
  }

  onRecovered(listener: () => void): void {
    this.listeners.push(listener);
  }
}

/**
 * Redis: `OOM command not allowed when used memory > 'maxmemory'`, `READONLY You
 * can't write against a read only replica`, `MISCONF … unable to persist`;
 * SQLite: SQLITE_FULL, SQLITE_READONLY.
 */
export function refusalReason(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const raw = (err as Error & { code?: unknown }).code;
  const code = typeof raw === "string" || typeof raw === "number" ? String(raw) : "";
  const text = `${code} ${err.message}`;
  if (/\bOOM\b|SQLITE_FULL|ENOSPC/.test(text)) return READ_ONLY_REASONS.full;
  if (/\bREADONLY\b|\bMISCONF\b|SQLITE_READONLY/.test(text)) return READ_ONLY_REASONS.refused;
  return undefined;
}

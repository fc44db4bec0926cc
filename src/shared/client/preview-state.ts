/**
 * Other people's live previews (docs/protocol.md, "Live previews"): per session,
 * the latest preview of each kind. A preview replaces its author's previous one
 * of that kind, `clear` removes it, and everything of a session goes when the
 * session leaves the board. Shapes and texts also go when the item they preview
 * is committed (whichever of the `add` and the clear arrives first).
 */
import type { PeerPreview, Preview, PreviewKind } from "../protocol.js";

export type ShownPreview = Exclude<Preview, { kind: "clear" }>;

export class PreviewState {
  private readonly bySession = new Map<string, Map<PreviewKind, ShownPreview>>();

  /** Applies one preview; returns whether what is shown changed. */
  accept(p: PeerPreview): boolean {
    const { sessionId, ...preview } = p;
    let kinds = this.bySession.get(sessionId);
    if (preview.kind === "clear") {
      if (!kinds?.delete(preview.of)) return false;
      if (kinds.size === 0) this.bySession.delete(sessionId);
      return true;
    }
    if (!kinds) this.bySession.set(sessionId, (kinds = new Map<PreviewKind, ShownPreview>()));
    kinds.set(preview.kind, preview);
    return true;
  }

  /** The item was committed: a shape or text preview of it is replaced by the real thing. */
  dropItem(itemId: string): boolean {
    let dropped = false;
    for (const [sessionId, kinds] of this.bySession) {
      for (const kind of ["shape", "text"] as const) {
        const p = kinds.get(kind);
        if (p && "item" in p && p.item.id === itemId) dropped = kinds.delete(kind) || dropped;
      }
      if (kinds.size === 0) this.bySession.delete(sessionId);
    }
    return dropped;
  }

  /** Keeps only previews of sessions still on the board (an author who left takes theirs along). */
  retainSessions(sessionIds: ReadonlySet<string>): boolean {
    let dropped = false;
    for (const sessionId of this.bySession.keys()) {
      if (!sessionIds.has(sessionId)) dropped = this.bySession.delete(sessionId) || dropped;
    }
    return dropped;
  }

  /** Everything shown, session by session. */
  *entries(): Iterable<{ sessionId: string; preview: ShownPreview }> {
    for (const [sessionId, kinds] of this.bySession) for (const preview of kinds.values()) yield { sessionId, preview };
  }

  get size(): number {
    let n = 0;
    for (const kinds of this.bySession.values()) n += kinds.size;
    return n;
  }
}

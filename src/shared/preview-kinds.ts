/**
 * The kinds of live preview and which one a preview replaces, free of the schema
 * library so the browser bundle can use them (schemas: preview.ts).
 */
export const PREVIEW_KINDS = ["shape", "move", "text", "selection", "transform"] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

/** The kind a preview replaces (a clear names it). */
export function previewSlot(p: { kind: PreviewKind | "clear"; of?: PreviewKind }): PreviewKind {
  return p.kind === "clear" ? p.of! : p.kind;
}

/**
 * Live previews: what someone is doing with a tool other than the pen, shown to
 * the board while they do it (docs/protocol.md, "Live previews"). Volatile like
 * drafts and carried by the same ink clock; never stored. Each preview replaces
 * its author's previous preview of the same kind; `clear` removes one kind.
 * Kept apart from protocol.ts (which imports it) so the protocol's event maps
 * stay one line per event.
 */
import { z } from "zod";
import { LIMITS } from "./protocol-constants.js";
import type { shapeSchema as ShapeSchema, textSchema as TextSchema } from "./protocol.js";

import { PREVIEW_KINDS } from "./preview-kinds.js";

export { PREVIEW_KINDS, previewSlot, type PreviewKind } from "./preview-kinds.js";

const itemIds = z.array(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/)).min(1).max(LIMITS.maxTargetsPerOp);
const offset = z.number().min(-2 * LIMITS.maxCoordinate).max(2 * LIMITS.maxCoordinate);
const coordinate = z.number().min(-LIMITS.maxCoordinate).max(LIMITS.maxCoordinate);
const scaleFactor = z.number().min(1 / LIMITS.maxScale).max(LIMITS.maxScale);

/**
 * Built from the protocol's item schemas (protocol.ts calls it once and exports
 * `previewSchema`): this file needs no runtime import of protocol.ts.
 */
export function buildPreviewSchema(shapeSchema: typeof ShapeSchema, textSchema: typeof TextSchema) {
  return z.discriminatedUnion("kind", [
  /** A shape being dragged: the item as it would be committed now. */
  z.object({ kind: z.literal("shape"), item: shapeSchema }),
  /** Items being dragged (or resized): their offset from where the board has them. */
  z.object({ kind: z.literal("move"), itemIds, dx: offset, dy: offset }),
  /** A text being typed (possibly still empty): the item as it would be committed now. */
  z.object({ kind: z.literal("text"), item: textSchema.extend({ text: z.string().max(LIMITS.maxTextLength) }) }),
  /** Items being resized (issue 13): the scale about an origin their `transform` would have now. */
  z.object({ kind: z.literal("transform"), itemIds, sx: scaleFactor, sy: scaleFactor, ox: coordinate, oy: coordinate }),
  /** The author's selection, outlined in their colour by the others. */
  z.object({ kind: z.literal("selection"), itemIds }),
  /** The author committed, cancelled or put away the tool: drop their preview of that kind. */
  z.object({ kind: z.literal("clear"), of: z.enum(PREVIEW_KINDS) }),
  ]);
}

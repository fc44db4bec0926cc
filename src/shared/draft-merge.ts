/**
 * Contiguous drafts of one item travel as one: both the client (between ink
 * ticks) and the server (between flushes) merge a draft into the previous one
 * of the same item when its points carry straight on.
 */
import { LIMITS } from "./protocol-constants.js";

/** The fields that decide whether two drafts are one stretch of ink. */
export interface DraftShape {
  itemId: string;
  color: string;
  width: number;
  from: number;
  points: readonly number[];
}

/** `next` carries the points right after `prev`'s, for the same item drawn the same way, within one draft's limit. */
export function continuesDraft(prev: DraftShape, next: DraftShape): boolean {
  return (
    prev.points.length + next.points.length <= LIMITS.maxDraftPoints * 2 &&
    prev.itemId === next.itemId &&
    prev.color === next.color &&
    prev.width === next.width &&
    prev.from + prev.points.length / 2 === next.from
  );
}

/**
 * An item's style (colour, width, fill) and how a `style` op changes it: each
 * field applies only where the kind has it (a text has no width, only rectangles
 * and ellipses have a fill), so one op can restyle a mixed selection.
 */
import type { Fill, Item, Shape, StyleChange } from "./protocol.js";

export function isFillable(item: Item): item is Shape {
  return item.kind === "shape" && (item.shape === "rect" || item.shape === "ellipse");
}

/** A copy of the item with the change applied (the original is left as it was). */
export function restyleItem(item: Item, change: Omit<StyleChange, "itemId">): Item {
  const next = { ...item };
  if (change.color !== undefined) next.color = change.color;
  if (change.width !== undefined && next.kind !== "text") next.width = change.width;
  if (change.fill !== undefined && isFillable(next)) {
    if (change.fill === "none") delete next.fill;
    else next.fill = change.fill;
  }
  return next;
}

/** What `change` would change on `item`, with the item's present values (the inverse), or null for nothing. */
export function restyleDelta(item: Item, change: Omit<StyleChange, "itemId">): { after: StyleChange; before: StyleChange } | null {
  const after: StyleChange = { itemId: item.id };
  const before: StyleChange = { itemId: item.id };
  if (change.color !== undefined && change.color !== item.color) {
    after.color = change.color;
    before.color = item.color;
  }
  if (change.width !== undefined && item.kind !== "text" && change.width !== item.width) {
    after.width = change.width;
    before.width = item.width;
  }
  const fill: Fill | undefined = isFillable(item) ? (item.fill ?? "none") : undefined;
  if (change.fill !== undefined && fill !== undefined && change.fill !== fill) {
    after.fill = change.fill;
    before.fill = fill;
  }
  return Object.keys(after).length > 1 ? { after, before } : null;
}

/** The fill's opacity (translucent fills let what is under them show through). */
export function fillOpacity(fill: Fill | undefined): number {
  return fill === "solid" ? 1 : fill === "translucent" ? 0.25 : 0;
}

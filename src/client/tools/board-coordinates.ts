/** Board coordinates as items store them: clamped to the board, two decimals. */
import { LIMITS } from "../../shared/protocol-constants.js";

/** Two decimals of a board pixel is far below what anyone can see, and keeps payloads small. */
export function quantize(v: number): number {
  const c = Math.max(-LIMITS.maxCoordinate, Math.min(LIMITS.maxCoordinate, v));
  return Math.round(c * 100) / 100;
}

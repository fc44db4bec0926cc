/**
 * The largest valid ops an editor can send: strokes of LIMITS.maxPointsPerStroke
 * points with long decimal coordinates (~180 KB of JSON each), as in the attacks
 * of issue 17 (findings 1 and 2).
 */
import { LIMITS, type BoardOp } from "../../src/shared/protocol.js";
import { newId } from "./board-client.js";

/** A deterministic generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * An `add` of a stroke of maxPointsPerStroke points, every coordinate a long
 * decimal: most like -0.000041234567890123456, every tenth x like -812.3456789012345
 * (~185 KB of JSON).
 */
export function heavyStroke(seed: number): BoardOp & { type: "add" } {
  const next = random(seed);
  const points = Array.from({ length: LIMITS.maxPointsPerStroke * 2 }, (_, i) =>
    i % 20 === 0 ? (next() - 0.5) * 2_000 : -(1e-5 + next() * 8e-5),
  );
  return { type: "add", opId: newId(), item: { kind: "stroke", id: newId(), color: "#1e1e1e", width: 2, points } };
}

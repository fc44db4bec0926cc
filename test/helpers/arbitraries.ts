/**
 * fast-check generators for what clients send: valid events of every type (from
 * the protocol's own limits), hostile values, and mutations that turn a valid
 * payload into a nearly valid one.
 */
import fc from "fast-check";
import { LIMITS, PREVIEW_KINDS, SHAPE_KINDS, type BoardOp, type Draft, type Preview } from "../../src/shared/protocol.js";

/** Keys that reach Object.prototype when copied carelessly. */
export const POLLUTION_KEYS = ["__proto__", "constructor", "prototype"] as const;

export const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
export const colorArb = fc.stringMatching(/^#[0-9a-fA-F]{6}$/);
export const coordinateArb = fc.double({ min: -LIMITS.maxCoordinate, max: LIMITS.maxCoordinate, noNaN: true, noDefaultInfinity: true });
const widthArb = fc.double({ min: LIMITS.minWidth, max: LIMITS.maxWidth, noNaN: true });
// Tab, newline and anything printable (no other control characters).
const textArb = fc
  .string({ minLength: 1, maxLength: 200, unit: fc.oneof(fc.constantFrom("\t", "\n", "<", ">", "&", '"', "'"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })) })
  // eslint-disable-next-line no-control-regex -- the control characters a text may not hold
  .filter((t) => t.length > 0 && t.length <= LIMITS.maxTextLength && !/[\u0000-\u0008\u000B-\u001F\u007F\uFFFE\uFFFF]/.test(t));

function pointsArb(minPoints: number, maxPoints: number) {
  return fc.array(fc.tuple(coordinateArb, coordinateArb), { minLength: minPoints, maxLength: maxPoints }).map((ps) => ps.flat());
}

export const itemArb = fc.oneof(
  fc.record({ kind: fc.constant("stroke" as const), id: idArb, color: colorArb, width: widthArb, points: pointsArb(1, 50) }),
  fc.record({
    kind: fc.constant("shape" as const),
    id: idArb,
    shape: fc.constantFrom(...SHAPE_KINDS),
    color: colorArb,
    width: widthArb,
    x1: coordinateArb,
    y1: coordinateArb,
    x2: coordinateArb,
    y2: coordinateArb,
  }),
  fc.record(
    {
      kind: fc.constant("text" as const),
      id: idArb,
      color: colorArb,
      size: fc.double({ min: LIMITS.minFontSize, max: LIMITS.maxFontSize, noNaN: true }),
      x: coordinateArb,
      y: coordinateArb,
      text: textArb,
      w: fc.double({ min: LIMITS.minTextWidth, max: LIMITS.maxCoordinate, noNaN: true }),
    },
    { requiredKeys: ["kind", "id", "color", "size", "x", "y", "text"] },
  ),
);

const offsetArb = fc.double({ min: -2 * LIMITS.maxCoordinate, max: 2 * LIMITS.maxCoordinate, noNaN: true, noDefaultInfinity: true });
const targetsArb = fc.array(idArb, { minLength: 1, maxLength: 10 });

// --- Resizing (issue 13)
const scaleArb = fc.double({ min: 1 / LIMITS.maxScale, max: LIMITS.maxScale, noNaN: true });
const geometryArb = fc.oneof(
  fc.record({ itemId: idArb, points: pointsArb(1, 20) }),
  fc.record({ itemId: idArb, x1: coordinateArb, y1: coordinateArb, x2: coordinateArb, y2: coordinateArb }),
  fc.record(
    {
      itemId: idArb,
      x: coordinateArb,
      y: coordinateArb,
      size: fc.double({ min: LIMITS.minFontSize, max: LIMITS.maxFontSize, noNaN: true }),
      w: fc.double({ min: LIMITS.minTextWidth, max: LIMITS.maxCoordinate, noNaN: true }),
    },
    { requiredKeys: ["itemId", "x", "y", "size"] },
  ),
);
const resizeOpArbs = [
  fc.record({ type: fc.constant("transform" as const), opId: idArb, itemIds: targetsArb, sx: scaleArb, sy: scaleArb, ox: coordinateArb, oy: coordinateArb }),
  fc.record({ type: fc.constant("reshape" as const), opId: idArb, items: fc.array(geometryArb, { minLength: 1, maxLength: 10 }) }),
];
// --- end of resizing

export const opArb: fc.Arbitrary<BoardOp> = fc.oneof(
  fc.record({ type: fc.constant("add" as const), opId: idArb, item: itemArb }),
  fc.record({ type: fc.constant("remove" as const), opId: idArb, itemIds: targetsArb }),
  fc.record({ type: fc.constant("restore" as const), opId: idArb, itemIds: targetsArb }),
  fc.record({ type: fc.constant("clear" as const), opId: idArb }),
  fc.record({ type: fc.constant("move" as const), opId: idArb, itemIds: targetsArb, dx: offsetArb, dy: offsetArb }),
  fc.record({ type: fc.constant("edit" as const), opId: idArb, itemId: idArb, text: textArb }),
  fc.record({
    type: fc.constant("style" as const),
    opId: idArb,
    changes: fc.array(
      fc.record({ itemId: idArb, color: colorArb, width: widthArb, fill: fc.constantFrom("none" as const, "solid" as const, "translucent" as const) }, { requiredKeys: ["itemId"] }),
      { minLength: 1, maxLength: 10 },
    ),
  }),
  ...resizeOpArbs,
  fc.record({
    type: fc.constant("order" as const),
    opId: idArb,
    changes: fc.array(fc.record({ itemId: idArb, z: fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }), { nil: null }) }), { minLength: 1, maxLength: 10 }),
  }),
);

export const draftArb: fc.Arbitrary<Draft> = fc.record(
  {
    itemId: idArb,
    color: colorArb,
    width: widthArb,
    from: fc.integer({ min: 0, max: LIMITS.maxPointsPerStroke }),
    points: pointsArb(0, 40),
    t: fc.double({ noNaN: true, noDefaultInfinity: true }),
  },
  { requiredKeys: ["itemId", "color", "width", "from", "points"] },
);

/** Live previews of every kind (docs/protocol.md, "Live previews"). */
export const previewArb: fc.Arbitrary<Preview> = fc.oneof(
  itemArb.filter((i) => i.kind === "shape").map((item) => ({ kind: "shape" as const, item })),
  fc.record({ kind: fc.constant("move" as const), itemIds: targetsArb, dx: offsetArb, dy: offsetArb }),
  itemArb.filter((i) => i.kind === "text").map((item) => ({ kind: "text" as const, item })),
  fc.record({ kind: fc.constant("selection" as const), itemIds: targetsArb }),
  fc.record({ kind: fc.constant("transform" as const), itemIds: targetsArb, sx: scaleArb, sy: scaleArb, ox: coordinateArb, oy: coordinateArb }),
  fc.record({ kind: fc.constant("clear" as const), of: fc.constantFrom(...PREVIEW_KINDS) }),
);

/** Valid payloads per client event. */
export const validPayloads = {
  op: opArb,
  sync: fc.record({ since: fc.nat() }),
  draft: draftArb,
  preview: previewArb,
  cursor: fc.option(fc.record({ x: coordinateArb, y: coordinateArb }), { nil: null }),
  profile: fc.record({ name: fc.string({ maxLength: LIMITS.maxNameLength }).filter((s) => s.length <= LIMITS.maxNameLength) }),
  clock: fc.constant({}),
} satisfies Record<string, fc.Arbitrary<unknown>>;

/** Values that break careless code: non-finite and huge numbers, wrong types, pollution keys, deep nesting. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    LIMITS.maxCoordinate + 1e-6,
    -LIMITS.maxCoordinate - 1,
    2 ** 53 + 2,
    "",
    "1e999",
    "<script>alert(1)</script>",
    null,
    true,
    [],
    {},
    "x".repeat(100_000),
  ),
  fc.constantFrom(...POLLUTION_KEYS).map((k) => JSON.parse(`{"${k}":{"polluted":true}}`) as unknown),
  fc.anything({ maxDepth: 3 }),
);

/** A JSON-ish path into a value: where a mutation lands. */
function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(v)) v.slice(0, 8).forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function setAt(root: unknown, path: Array<string | number>, value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove && !Array.isArray(node)) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A valid payload with one field replaced by a hostile value, removed, or given an extra pollution key. */
export function nearlyValid<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), hostileValueArb, fc.constantFrom("replace", "remove", "pollute"), fc.constantFrom(...POLLUTION_KEYS))
    .map(([v, pick, hostile, how, key]) => {
      const ps = paths(v);
      if (how === "pollute") {
        // Only plain objects take a key.
        const objects = ps.filter((p) => {
          const at = p.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], v);
          return at !== null && typeof at === "object" && !Array.isArray(at);
        });
        if (objects.length === 0) return v;
        return setAt(v, [...objects[pick % objects.length], key], { polluted: true }, false);
      }
      return setAt(v, ps[pick % ps.length], hostile, how === "remove");
    });
}

/** Own keys anywhere in a value that would pollute a prototype if copied with assignment. */
export function pollutionKeysIn(v: unknown): string[] {
  if (!v || typeof v !== "object") return [];
  const here = Object.keys(v).filter((k) => (POLLUTION_KEYS as readonly string[]).includes(k));
  return [...here, ...Object.values(v).flatMap(pollutionKeysIn)];
}

/** What an accepted op must satisfy, checked independently of the schema: problems found. */
export function opProblems(op: BoardOp): string[] {
  const problems: string[] = [];
  const inRange = (n: unknown, max: number) => typeof n === "number" && Number.isFinite(n) && Math.abs(n) <= max;
  for (const n of numbersIn(op)) if (!Number.isFinite(n)) problems.push(`non-finite number ${n}`);
  if (pollutionKeysIn(op).length) problems.push(`pollution keys ${pollutionKeysIn(op).join(", ")}`);
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(op.opId)) problems.push("bad opId");
  if (op.type === "add") {
    const it = op.item as Record<string, unknown>;
    const coords = it.kind === "stroke" ? (it.points as number[]) : it.kind === "shape" ? [it.x1, it.y1, it.x2, it.y2] : [it.x, it.y];
    for (const c of coords) if (!inRange(c, LIMITS.maxCoordinate)) problems.push(`coordinate ${String(c)}`);
    if (it.kind === "stroke" && ((it.points as number[]).length % 2 !== 0 || (it.points as number[]).length > 2 * LIMITS.maxPointsPerStroke)) problems.push("points");
    if (!/^#[0-9a-fA-F]{6}$/.test(String(it.color))) problems.push("colour");
    // eslint-disable-next-line no-control-regex -- the control characters a text may not hold
    if (it.kind === "text" && /[\u0000-\u0008\u000B-\u001F\u007F]/.test(String(it.text))) problems.push("control characters");
  }
  if (op.type === "move" && !(inRange(op.dx, 2 * LIMITS.maxCoordinate) && inRange(op.dy, 2 * LIMITS.maxCoordinate))) problems.push("offset");
  return problems;
}

/** Every number anywhere in a value. */
export function numbersIn(v: unknown): number[] {
  if (typeof v === "number") return [v];
  if (!v || typeof v !== "object") return [];
  return Object.values(v).flatMap(numbersIn);
}

/**
 * Sequences of valid ops on a few item ids, so erases, restores, moves, edits,
 * reorders and clears hit items that exist; some ops are resent (same opId) later on.
 */
export const boardOpsArb: fc.Arbitrary<BoardOp[]> = fc
  .uniqueArray(idArb, { minLength: 1, maxLength: 8 })
  .chain((ids) => {
    const someIds = fc.subarray(ids, { minLength: 1 });
    const smallOffset = fc.integer({ min: -500, max: 500 });
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...ids), itemArb).map(([id, item]) => ({ type: "add" as const, item: { ...item, id } })) },
      { weight: 2, arbitrary: someIds.map((itemIds) => ({ type: "remove" as const, itemIds })) },
      { weight: 2, arbitrary: someIds.map((itemIds) => ({ type: "restore" as const, itemIds })) },
      { weight: 2, arbitrary: fc.tuple(someIds, smallOffset, smallOffset).map(([itemIds, dx, dy]) => ({ type: "move" as const, itemIds, dx, dy })) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ids), fc.constantFrom("a", "b\nc", "<d>")).map(([itemId, text]) => ({ type: "edit" as const, itemId, text })) },
      { weight: 1, arbitrary: fc.constant({ type: "clear" as const }) },
      // Paint order: z near the seqs the adds get (ties with them happen), now and then null (back to creation order).
      {
        weight: 1,
        arbitrary: fc
          .tuple(someIds, fc.integer({ min: -5, max: 45 }), fc.boolean())
          .map(([itemIds, z, reset]) => ({ type: "order" as const, changes: itemIds.map((itemId, i) => ({ itemId, z: reset && i === 0 ? null : z + i })) })),
      },
      { weight: 1, arbitrary: fc.nat().map((n) => ({ type: "resend" as const, n })) },
    );
    return fc.array(step, { minLength: 1, maxLength: 40 });
  })
  .map((steps) => {
    const ops: BoardOp[] = [];
    steps.forEach((s, i) => {
      if (s.type === "resend") {
        if (ops.length > 0) ops.push(ops[s.n % ops.length]);
        return;
      }
      ops.push({ ...s, opId: `op-${String(i).padStart(4, "0")}-x` });
    });
    return ops;
  });

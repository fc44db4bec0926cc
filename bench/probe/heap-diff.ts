/**
 * What one socket costs, by kind of object: compares two heap snapshots (the
 * probe's readings at 500 and 5,000 sockets, BENCH_HEAP_SNAPSHOTS) and prints
 * the added count and self size per kind, divided by the number of sockets added.
 *
 *   npx tsx bench/probe/heap-diff.ts before.heapsnapshot after.heapsnapshot [sockets added (4500)] [rows (60)]
 *
 * Kinds: plain objects by constructor and first property names, closures by
 * name and source position, closure contexts by the variables they hold;
 * arrays, strings, numbers and hidden V8 structures by what first retains them
 * ("<-"), with the retaining edge's name.
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]]; location_fields?: string[] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
  locations?: number[];
}

interface Row {
  count: number;
  bytes: number;
}

const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

function summarize(file: string): Map<string, Row> {
  const s = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const { meta } = s.snapshot;
  const nf = meta.node_fields;
  const stride = nf.length;
  const [fType, fName, fSize, fEdges] = ["type", "name", "self_size", "edge_count"].map((f) => nf.indexOf(f));
  const ef = meta.edge_fields;
  const eStride = ef.length;
  const [eType, eName, eTo] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f));
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = s.nodes.length / stride;
  const firstEdge = new Int32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += s.nodes[i * stride + fEdges] * eStride;
  }
  firstEdge[count] = s.edges.length;
  const typeOf = (n: number) => nodeTypes[s.nodes[n * stride + fType]];
  const nameOf = (n: number) => s.strings[s.nodes[n * stride + fName]];
  const edgeName = (e: number) => {
    const t = edgeTypes[s.edges[e + eType]];
    const v = s.edges[e + eName];
    return t === "element" || t === "hidden" ? `[${v}]` : s.strings[v];
  };
  function* edgesOf(n: number): Generator<{ type: string; name: string; to: number }> {
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += eStride) {
      yield { type: edgeTypes[s.edges[e + eType]], name: edgeName(e), to: s.edges[e + eTo] / stride };
    }
  }
  const edgeTo = (n: number, name: string) => {
    for (const e of edgesOf(n)) if (e.name === name) return e.to;
    return -1;
  };

  // The first strong retainer of every node, and the edge's name.
  const retainer = new Int32Array(count).fill(-1);
  const retainerEdge = new Array<string>(count);
  for (let n = 0; n < count; n++) {
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += eStride) {
      const t = edgeTypes[s.edges[e + eType]];
      if (t === "weak" || t === "shortcut") continue;
      const to = s.edges[e + eTo] / stride;
      if (retainer[to] === -1) {
        retainer[to] = n;
        retainerEdge[to] = edgeName(e);
      }
    }
  }

  const lines = new Map<number, string>();
  if (s.locations && meta.location_fields) {
    const lf = meta.location_fields;
    const [lObj, lLine] = [lf.indexOf("object_index"), lf.indexOf("line")];
    for (let i = 0; i < s.locations.length; i += lf.length) lines.set(s.locations[i + lObj] / stride, String(s.locations[i + lLine] + 1));
  }
  const scriptOf = (closure: number) => {
    const shared = edgeTo(closure, "shared");
    // Node 20's V8: the SharedFunctionInfo points at its Script, named by its URL.
    let script = shared >= 0 ? edgeTo(shared, "script_or_debug_info") : -1;
    if (script < 0 && shared >= 0) script = edgeTo(shared, "script");
    const url = script >= 0 ? nameOf(script) : "?";
    return url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "").replace(/^.*\/dist\//, "dist/");
  };

  const ownKey = new Array<string | undefined>(count);
  const keyOf = (n: number): string => {
    const cached = ownKey[n];
    if (cached !== undefined) return cached;
    const type = typeOf(n);
    const name = nameOf(n);
    let key: string;
    if (type === "closure" && name === "native_bind") {
      // A bound function: by its target (Function.prototype.bind, EventEmitter.once's wrappers).
      const target = edgeTo(n, "bound_function");
      key = `bound ${target >= 0 ? keyOf(target) : "?"}`;
    } else if (type === "closure") {
      key = `closure ${name || "(anonymous)"} ${scriptOf(n)}:${lines.get(n) ?? "?"}`;
    } else if (type === "object" && name === "system / Context") {
      const vars: string[] = [];
      for (const e of edgesOf(n)) if (e.type === "context") vars.push(e.name);
      key = `context {${short(vars.join(","), 70)}}`;
    } else if (type === "object" && name === "Object") {
      const props: string[] = [];
      for (const e of edgesOf(n)) if (e.type === "property" && e.name !== "__proto__") props.push(e.name);
      key = `${name} {${short(props.slice(0, 8).join(","), 70)}}`;
      // EventEmitter.once's state: which event of which emitter.
      if (props.includes("wrapFn") && props.includes("listener")) {
        const ev = edgeTo(n, "type");
        const target = edgeTo(n, "target");
        const listener = edgeTo(n, "listener");
        key += ` once(${ev >= 0 ? nameOf(ev) : "?"}) on ${target >= 0 ? nameOf(target) : "?"}: ${listener >= 0 ? keyOf(listener) : "?"}`;
      }
    } else if (type === "object" && name === "Array") {
      // Arrays say little by themselves: by what holds them.
      const r = retainer[n];
      const holder = r >= 0 && typeOf(r) === "object" && nameOf(r) !== "Array" ? keyOf(r) : r >= 0 ? `${typeOf(r)} ${short(nameOf(r), 30)}` : "?";
      key = `Array <- ${holder} .${short(retainerEdge[n] ?? "", 30)}`;
    } else if (type === "object" || type === "native" || type === "synthetic") {
      key = `${type} ${short(name)}`;
    } else {
      // Values and V8's internal structures: by what holds them.
      const r = retainer[n];
      const label = type === "string" || type === "concatenated string" || type === "sliced string" || type === "number" ? type : `${type} ${short(name, 40)}`;
      const owned = r >= 0 && ["object", "closure", "native", "synthetic"].includes(typeOf(r));
      const holder = owned ? keyOf(r) : r >= 0 ? `${typeOf(r)} ${short(nameOf(r), 30)}` : "?";
      key = `${label} <- ${holder} .${short(retainerEdge[n] ?? "", 30)}`;
    }
    ownKey[n] = key;
    return key;
  };

  const out = new Map<string, Row>();
  for (let n = 0; n < count; n++) {
    if (typeOf(n) === "code") continue; // compiled code: not per socket
    const key = keyOf(n);
    const row = out.get(key) ?? { count: 0, bytes: 0 };
    row.count++;
    row.bytes += s.nodes[n * stride + fSize];
    out.set(key, row);
  }
  return out;
}

const [before, after, addedArg, rowsArg] = process.argv.slice(2);
if (!before || !after) {
  console.error("usage: heap-diff.ts before.heapsnapshot after.heapsnapshot [sockets added (4500)] [rows (60)]");
  process.exit(2);
}
const added = Number(addedArg ?? 4500);
const rows = Number(rowsArg ?? 60);
const a = summarize(before);
const b = summarize(after);
const diff: Array<{ key: string; count: number; bytes: number }> = [];
let total = 0;
for (const key of new Set([...a.keys(), ...b.keys()])) {
  const x = a.get(key) ?? { count: 0, bytes: 0 };
  const y = b.get(key) ?? { count: 0, bytes: 0 };
  const d = { key, count: (y.count - x.count) / added, bytes: (y.bytes - x.bytes) / added };
  total += d.bytes;
  if (Math.abs(d.bytes) >= 1) diff.push(d);
}
diff.sort((x, y) => y.bytes - x.bytes);
console.log(`${"B/socket".padStart(9)} ${"n/socket".padStart(8)}  kind`);
for (const d of diff.slice(0, rows)) console.log(`${d.bytes.toFixed(1).padStart(9)} ${d.count.toFixed(2).padStart(8)}  ${d.key}`);
console.log(`${total.toFixed(1).padStart(9)} ${"".padStart(8)}  (total self size, compiled code excluded)`);

/**
 * Splits V8 CPU profiles of meshboard nodes (from cpu-profile.ts) into the parts
 * issue 14 asks about: receive and validate, batch, encode, Engine.IO and ws
 * write, metrics and guards, adapter, GC, other JavaScript, idle. Each sample
 * goes to the part of its innermost frame that matches (self time), so native
 * `writev` under ws counts as the write.
 *
 *   npx tsx bench/probe/profile-split.ts /tmp/prof/*.cpuprofile [--frames N]
 *
 * --frames: outbound frames delivered during the profile (frames_per_s x the
 * profile's seconds, from the bench's JSON), to print microseconds per frame.
 * Then the 30 functions with the most self time.
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins, tested from the innermost frame outwards. */
const PARTS: Array<[string, RegExp]> = [
  ["idle", /^\(idle\)$/],
  ["GC", /^\(garbage collector\)$/],
  ["metrics and guards", /prom-client|\/metrics|guards|rate-limit|slow-clients|rate-limiter-flexible/],
  ["batch", /draft-batcher|cursor-batcher|flush-timer|draft-merge|presence-feed/],
  ["adapter (Redis, cluster)", /socket\.io-adapter|redis-adapter|redis-streams|@redis|ioredis|node_modules\/redis/],
  ["encode", /socket\.io-parser.*(encode|Encoder)|^stringify$|JSON\.stringify/],
  ["receive and validate", /zod|socket\.io-parser|session\.js|protocol\.js|^parse$/],
  ["Engine.IO and ws write", /engine\.io|node_modules\/ws\/|writev|writeGeneric|^write$|net\.js|stream_base|_stream_writable|internal\/streams/],
  ["Socket.IO (rooms, broadcast)", /node_modules\/socket\.io\//],
];

function partOf(stack: Node[]): string {
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = stack[i].callFrame;
    for (const [name, re] of PARTS) if (re.test(f.functionName) || re.test(f.url)) return name;
  }
  return stack.at(-1)?.callFrame.url ? "other JavaScript" : "other native / program";
}

/** Self time per function (name and file), for the top-N listing. */
function selfTimes(profile: Profile, into: Map<string, number>): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/dist\//, "")}`;
    into.set(key, (into.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
}

function split(profile: Profile, into: Map<string, number>): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  profile.samples.forEach((id, i) => {
    let part = memo.get(id);
    if (!part) {
      const stack: Node[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.unshift(byId.get(at)!);
      part = partOf(stack);
      memo.set(id, part);
    }
    into.set(part, (into.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
}

const args = process.argv.slice(2);
const framesAt = args.indexOf("--frames");
const frames = framesAt >= 0 ? Number(args[framesAt + 1]) : NaN;
const files = args.filter((a, i) => a !== "--frames" && i !== framesAt + 1);
const ms = new Map<string, number>();
const self = new Map<string, number>();
for (const f of files) {
  const profile = JSON.parse(readFileSync(f, "utf8")) as Profile;
  split(profile, ms);
  selfTimes(profile, self);
}
const total = [...ms.values()].reduce((a, b) => a + b, 0);
const busy = total - (ms.get("idle") ?? 0);
const rows = [...ms].sort((a, b) => b[1] - a[1]);
process.stdout.write(`| part | ms | share of all | share of busy |${Number.isFinite(frames) ? " µs per frame |" : ""}\n| --- | ---: | ---: | ---: |${Number.isFinite(frames) ? " ---: |" : ""}\n`);
for (const [part, v] of rows) {
  const perFrame = Number.isFinite(frames) && part !== "idle" ? ` ${((v * 1000) / frames).toFixed(1)} |` : Number.isFinite(frames) ? " - |" : "";
  process.stdout.write(`| ${part} | ${v.toFixed(0)} | ${((100 * v) / total).toFixed(1)}% | ${part === "idle" ? "-" : `${((100 * v) / busy).toFixed(1)}%`} |${perFrame}\n`);
}
process.stdout.write(`\nTop functions by self time (ms, share of busy):\n`);
for (const [fn, v] of [...self].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  process.stdout.write(`${v.toFixed(0).padStart(6)}  ${((100 * v) / busy).toFixed(1).padStart(5)}%  ${fn}\n`);
}

/**
 * Loaded into a server under test with NODE_OPTIONS=--import=<this file> (plain
 * JS: the server runs from dist/ without a TypeScript loader). On SIGUSR2 it runs
 * a full GC and writes process.memoryUsage() to $HEAP_PROBE_DIR/<pid>.json; the
 * same protocol as the benchmark's bench/probe/heap-probe.ts. Nothing else changes.
 */
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const dir = process.env.HEAP_PROBE_DIR;
if (dir) {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc");
  process.on("SIGUSR2", () => {
    gc();
    gc();
    const file = path.join(dir, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, ...process.memoryUsage() }));
    renameSync(`${file}.tmp`, file);
  });
}

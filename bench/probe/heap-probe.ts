/**
 * Loaded into a server process with NODE_OPTIONS="--import <this file>" by the
 * connections scenario: on SIGUSR2 it runs a full GC and writes the process's
 * memory figures to $BENCH_HEAP_DIR/<pid>.json. No port, no change to the server.
 * With BENCH_HEAP_SNAPSHOTS set to a directory it also writes a heap snapshot
 * there each time (for finding what a socket costs; see BENCHMARKS.md).
 */
import { writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import { setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";

const dir = process.env.BENCH_HEAP_DIR;
if (dir) {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  let taken = 0;
  process.on("SIGUSR2", () => {
    gc();
    gc();
    const snapshots = process.env.BENCH_HEAP_SNAPSHOTS;
    if (snapshots) writeHeapSnapshot(path.join(snapshots, `${process.pid}-${taken++}.heapsnapshot`));
    const m = process.memoryUsage();
    const file = path.join(dir, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, at: Date.now(), ...m }));
    renameSync(`${file}.tmp`, file);
  });
}

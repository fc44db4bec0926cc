/**
 * Loaded into a server with NODE_OPTIONS="--import <this file>" (where
 * --cpu-prof is not allowed): with BENCH_CPU_PROFILE_DIR set, records a CPU
 * profile from BENCH_CPU_PROFILE_DELAY_MS after start for BENCH_CPU_PROFILE_MS
 * and writes <dir>/<pid>.cpuprofile (open it in Chrome DevTools).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const delay = Number(process.env.BENCH_CPU_PROFILE_DELAY_MS ?? 0);
  const duration = Number(process.env.BENCH_CPU_PROFILE_MS ?? 10_000);
  const session = new Session();
  session.connect();
  setTimeout(() => {
    session.post("Profiler.enable", () =>
      session.post("Profiler.start", () => {
        setTimeout(() => {
          session.post("Profiler.stop", (err, result) => {
            if (!err) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
          });
        }, duration).unref();
      }),
    );
  }, delay).unref();
}

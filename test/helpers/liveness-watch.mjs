/**
 * Watches a node from outside the test's own process, so that what it measures
 * is the node and not the test's busy event loop: `node liveness-watch.mjs <url>
 * <pid>` asks <url>/healthz one request after another (50 ms apart) and reads
 * the node's RSS from /proc/<pid>/status every 100 ms, until a line arrives on
 * stdin; then it prints one JSON line ({ healthMs: [...], failures: [...],
 * rssMaxBytes }) and exits. Plain JS: no loader needed.
 */
import { readFileSync } from "node:fs";

const [url, pid] = process.argv.slice(2);
const healthMs = [];
const failures = [];
let rssMaxBytes = 0;
let running = true;

const rss = setInterval(() => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m) rssMaxBytes = Math.max(rssMaxBytes, Number(m[1]) * 1024);
  } catch (err) {
    failures.push(`rss: ${err.message}`);
  }
}, 100);

const probes = (async () => {
  while (running) {
    const started = performance.now();
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      await r.arrayBuffer();
      if (!r.ok) failures.push(`healthz ${r.status}`);
    } catch (err) {
      failures.push(`healthz: ${err.message}`);
    }
    healthMs.push(Math.round(performance.now() - started));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();

process.stdin.once("data", async () => {
  running = false;
  clearInterval(rss);
  await probes;
  process.stdout.write(`${JSON.stringify({ healthMs, failures, rssMaxBytes })}\n`, () => process.exit(0));
});
process.stdout.write("watching\n");

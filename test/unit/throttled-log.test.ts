import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/server/observability/logger.js";
import { ThrottledLog } from "../../src/server/observability/throttled-log.js";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger("info", "n1", sink), lines };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("ThrottledLog", () => {
  it("logs the first failure at once without a stack, then one line per interval with the count", async () => {
    vi.useFakeTimers();
    const { log, lines } = capture();
    const throttled = new ThrottledLog(log, "error", 10_000);
    const err = Object.assign(new Error("OOM command not allowed"), { code: "ERR" });
    for (let i = 0; i < 1_000; i++) throttled.report("append", { err, board: "b" }, "append failed");
    await vi.advanceTimersByTimeAsync(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "append failed", err: "OOM command not allowed", code: "ERR", level: 50 });
    expect(JSON.stringify(lines[0])).not.toContain("stack");

    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ msg: "append failed (repeated)", repeated: 999, intervalMs: 10_000 });

    // Still failing: counted in the next window; quiet windows end it.
    throttled.report("append", { err }, "append failed");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines.at(-1)).toMatchObject({ repeated: 1 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(lines).toHaveLength(3);
    throttled.report("append", { err }, "append failed");
    await vi.advanceTimersByTimeAsync(0);
    expect(lines.at(-1)).toMatchObject({ msg: "append failed" });
    // Other kinds are counted apart.
    throttled.report("presence", { err }, "presence write failed");
    await vi.advanceTimersByTimeAsync(0);
    expect(lines.at(-1)).toMatchObject({ msg: "presence write failed" });
    throttled.close();
  });
});

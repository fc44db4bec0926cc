/**
 * CPU seconds (user + system) consumed by processes and all their descendants,
 * read from /proc/<pid>/stat. Threads are included (the stat of a process sums them).
 */
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** The pids and every descendant still alive. */
export function processTree(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = readStat(pid);
    if (!s) continue;
    const list = children.get(s.ppid);
    if (list) list.push(pid);
    else children.set(s.ppid, [pid]);
  }
  const out = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const pid = stack.pop()!;
    if (out.has(pid)) continue;
    out.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...out];
}

/** CPU seconds used so far by each pid (missing processes count 0). */
export function cpuSeconds(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) out.set(pid, (readStat(pid)?.ticks ?? 0) / TICKS_PER_SECOND);
  return out;
}

/** Named groups of pids (e.g. nodes, redis, balancer), expanded to their process trees once. */
export class CpuMeter {
  private readonly groups: Map<string, number[]>;
  private start = new Map<number, number>();

  constructor(groups: Record<string, number[]>) {
    const all = Object.values(groups).flat();
    const tree = new Set(processTree(all));
    this.groups = new Map(
      Object.entries(groups).map(([name, roots]) => [name, processTree(roots).filter((p) => tree.has(p))]),
    );
  }

  begin(): void {
    this.start = cpuSeconds([...this.groups.values()].flat());
  }

  /** CPU seconds per group since begin(). */
  end(): Record<string, number> {
    const now = cpuSeconds([...this.groups.values()].flat());
    const out: Record<string, number> = {};
    for (const [name, pids] of this.groups) {
      out[name] = pids.reduce((sum, p) => sum + (now.get(p) ?? 0) - (this.start.get(p) ?? 0), 0);
    }
    return out;
  }
}

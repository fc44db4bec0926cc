import type { ChildProcess } from "node:child_process";

/** Children still running when this process exits are killed, so no test leaves servers behind. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

export function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
}

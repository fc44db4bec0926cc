/**
 * `meshboard doctor <url>`: checks a deployment from the outside, as browsers
 * see it (session affinity, spread over nodes, websockets, strokes crossing
 * nodes, latency), and says in plain words what is wrong.
 */
import { parseArgs } from "node:util";
import { HEALTH_PATH, NODE_HEADER } from "../shared/constants.js";
import {
  diagnose,
  exitCode,
  summarizeLatency,
  type Finding,
  type LatencySummary,
  type Observations,
  type Reach,
} from "./doctor/diagnose.js";
import { runPollingProbe } from "./doctor/polling-probe.js";
import { scratchBoards } from "./doctor/scratch-boards.js";
import { runStrokeProbe } from "./doctor/stroke-probe.js";

export interface DoctorOptions {
  url: string;
  /** Polling sessions, each on its own scratch board (default 6). */
  sessions?: number;
  /** Sync round trips per polling session, after the handshake and welcome (default 3). */
  roundTrips?: number;
  /** Websocket-only clients on the stroke board (default 4; more are added, up to 9, until two nodes serve it). */
  websocketClients?: number;
  /** Clients that start on polling and must upgrade (default 2). */
  upgradeClients?: number;
  /** Per-request and per-connection timeout, ms (default 5000). */
  timeoutMs?: number;
  /** How long a stroke may take to reach another client, ms (default 3000). */
  deliveryTimeoutMs?: number;
  /** Fail unless sessions reach at least this many nodes. */
  expectNodes?: number;
}

export interface DoctorReport {
  url: string;
  ok: boolean;
  exitCode: number;
  findings: Finding[];
  latency: LatencySummary;
  observations: Observations;
}

async function checkReach(base: URL, timeoutMs: number): Promise<Reach> {
  const started = performance.now();
  try {
    const res = await fetch(new URL(HEALTH_PATH, base), { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return { ok: res.ok, status: res.status, node: res.headers.get(NODE_HEADER), ms: performance.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, status: 0, node: null, ms: performance.now() - started, error };
  }
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const base = new URL(opts.url);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 3000;
  const observations: Observations = {
    url: base.origin,
    reach: await checkReach(base, timeoutMs),
    polling: [],
    stroke: null,
    signedLinks: false,
    expectNodes: opts.expectNodes,
    deliveryTimeoutMs,
  };
  if (observations.reach.ok) {
    const boards = await scratchBoards(base, timeoutMs);
    observations.signedLinks = boards.signedLinks;
    // One session after another, each with its own cookies and board, like separate browsers.
    for (let i = 0; i < (opts.sessions ?? 6); i++) {
      observations.polling.push(await runPollingProbe(base, await boards.next(), { roundTrips: opts.roundTrips ?? 3, timeoutMs }));
    }
    const websocketClients = opts.websocketClients ?? 4;
    observations.stroke = await runStrokeProbe(base, await boards.next(), {
      websocketClients,
      maxWebsocketClients: Math.max(websocketClients, 9),
      upgradeClients: opts.upgradeClients ?? 2,
      timeoutMs,
      deliveryTimeoutMs,
    });
  }
  const findings = diagnose(observations);
  const code = exitCode(findings);
  return { url: base.origin, ok: code === 0, exitCode: code, findings, latency: summarizeLatency(observations), observations };
}

const MARK = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;

/** One line per test session: which nodes answered it. */
function sessionLines(o: Observations): string[] {
  const lines: string[] = [];
  o.polling.forEach((p, i) => {
    const where = p.nodes.length === 0 ? "no node named itself" : p.nodes.length === 1 ? `all on ${p.nodes[0]}` : `on ${p.nodes.join(" → ")}`;
    const end = p.completed ? "" : `; stopped: ${p.error ?? "?"}`;
    lines.push(`    polling #${i + 1}  ${plural(p.requests.length, "request")}, ${where}${end}`);
  });
  for (const c of o.stroke?.clients ?? []) {
    const label = c.kind === "websocket" ? "websocket " : "upgrade   ";
    if (!c.node) lines.push(`    ${label}  not joined: ${c.error ?? "?"}`);
    else if (c.kind === "upgrade") lines.push(`    ${label}  ${c.node}, ${c.transport === "websocket" ? "upgraded to websocket" : `not upgraded: ${c.upgradeError ?? "?"}`}`);
    else lines.push(`    ${label}  ${c.node}`);
  }
  return lines;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export function formatReport(report: DoctorReport): string {
  const lines = [`meshboard doctor: ${report.url}`, ""];
  for (const f of report.findings) lines.push(`  ${MARK[f.status]}  ${f.check.padEnd(9)} ${f.message}`);
  const sessions = sessionLines(report.observations);
  if (sessions.length) lines.push("", "  sessions:", ...sessions);
  lines.push("");
  const failures = report.findings.filter((f) => f.status === "fail");
  const warnings = report.findings.filter((f) => f.status === "warn");
  if (failures.length === 0) {
    lines.push(warnings.length ? `Diagnosis: healthy, with ${warnings.length} warning(s) above.` : "Diagnosis: all is well.");
  } else {
    lines.push("Diagnosis:");
    for (const f of failures) lines.push(`  - ${f.message}`);
  }
  return lines.join("\n") + "\n";
}

export const DOCTOR_USAGE = `usage: meshboard doctor <url> [options]

Connects test clients to a meshboard deployment and checks session affinity,
the spread of sessions over nodes, websocket upgrades, strokes crossing nodes
and latency. Exits 0 when all is well, 1 with a diagnosis otherwise, 2 on a
usage error. Test strokes go to scratch boards named doctor-*.

options:
  --json                 print the full report as JSON
  --sessions <n>         polling sessions (default 6)
  --ws-clients <n>       websocket-only clients on the stroke board (default 4)
  --upgrade-clients <n>  clients that start on polling and upgrade (default 2)
  --expect-nodes <n>     fail unless sessions reach at least n nodes
  --timeout <ms>         per request and per connection (default 5000)
  --delivery-timeout <ms> how long a stroke may take to arrive (default 3000)
`;

/** Runs the command; returns the process exit code. */
export async function doctorCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        sessions: { type: "string" },
        "ws-clients": { type: "string" },
        "upgrade-clients": { type: "string" },
        "expect-nodes": { type: "string" },
        timeout: { type: "string" },
        "delivery-timeout": { type: "string" },
      },
    });
  } catch (e) {
    err(`meshboard doctor: ${(e as Error).message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(DOCTOR_USAGE);
    return 0;
  }
  const url = positionals[0];
  if (positionals.length !== 1 || !url || !/^https?:\/\//.test(url) || !URL.canParse(url)) {
    err(`meshboard doctor: give one http(s) URL, e.g. http://localhost:8080\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  const numbers: Record<string, number | undefined> = {};
  for (const name of ["sessions", "ws-clients", "upgrade-clients", "expect-nodes", "timeout", "delivery-timeout"] as const) {
    const raw = values[name];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < (name === "sessions" || name === "ws-clients" || name === "upgrade-clients" ? 0 : 1)) {
      err(`meshboard doctor: --${name} takes a whole number, not ${JSON.stringify(raw)}\n`);
      return 2;
    }
    numbers[name] = n;
  }
  const report = await runDoctor({
    url,
    sessions: numbers.sessions,
    websocketClients: numbers["ws-clients"],
    upgradeClients: numbers["upgrade-clients"],
    expectNodes: numbers["expect-nodes"],
    timeoutMs: numbers.timeout,
    deliveryTimeoutMs: numbers["delivery-timeout"],
  });
  out(values.json ? JSON.stringify(report, null, 2) + "\n" : formatReport(report));
  return report.exitCode;
}

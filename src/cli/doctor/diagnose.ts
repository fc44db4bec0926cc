/**
 * Turns what the probes saw into findings, one per check, in plain words an
 * operator can act on. Pure: no I/O, so every diagnosis is unit-tested.
 */
import { NODE_HEADER } from "../../shared/constants.js";
import type { PollingProbeResult } from "./polling-probe.js";
import type { StrokeProbeResult } from "./stroke-probe.js";

export type Check = "reach" | "affinity" | "spread" | "websocket" | "upgrade" | "stroke" | "latency";
export type Status = "ok" | "warn" | "fail";

export interface Finding {
  check: Check;
  status: Status;
  message: string;
}

export interface Reach {
  ok: boolean;
  status: number;
  node: string | null;
  ms: number;
  error?: string;
}

export interface Observations {
  url: string;
  reach: Reach;
  polling: PollingProbeResult[];
  stroke: StrokeProbeResult | null;
  /** Access control is on: the scratch boards came as signed links from `GET /`. */
  signedLinks: boolean;
  /** Fail unless sessions reach at least this many distinct nodes. */
  expectNodes?: number;
  deliveryTimeoutMs: number;
}

export interface LatencySummary {
  pollingRequestMs: Stats | null;
  websocketConnectMs: Stats | null;
  ackMs: Stats | null;
  deliveryMs: Stats | null;
  crossNodeDeliveryMs: Stats | null;
}

export interface Stats {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** Latency above which the doctor warns (it does not fail on speed). */
export const SLOW_MS = 1000;

const AFFINITY_HINT =
  "give the balancer session affinity: a cookie it sets itself (HAProxy `cookie io insert indirect nocache`; Istio DestinationRule " +
  "consistentHash.httpCookie {name: io, ttl: 0s}) or a hash of the `board` query parameter; or serve websocket-only";

export function stats(values: readonly number[]): Stats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (v: number) => Math.round(v * 10) / 10;
  return { count: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1]) };
}

const ms = (v: number) => `${Math.round(v)} ms`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function summarizeLatency(o: Observations): LatencySummary {
  const clients = o.stroke?.clients ?? [];
  const strokes = o.stroke?.strokes ?? [];
  const deliveries = strokes.flatMap((s) => s.deliveries.filter((d) => d.ms !== null).map((d) => ({ ...d, cross: d.node !== s.drawerNode })));
  return {
    pollingRequestMs: stats(o.polling.flatMap((p) => p.requests.filter((r) => r.status === 200).map((r) => r.ms))),
    websocketConnectMs: stats(clients.filter((c) => c.kind === "websocket" && c.connectMs !== null).map((c) => c.connectMs!)),
    ackMs: stats(strokes.filter((s) => s.ackMs !== null).map((s) => s.ackMs!)),
    deliveryMs: stats(deliveries.map((d) => d.ms!)),
    crossNodeDeliveryMs: stats(deliveries.filter((d) => d.cross).map((d) => d.ms!)),
  };
}

export function diagnose(o: Observations): Finding[] {
  const findings: Finding[] = [];
  const add = (check: Check, status: Status, message: string) => findings.push({ check, status, message });

  if (!o.reach.ok) {
    add("reach", "fail", `could not reach ${o.url}: ${o.reach.error ?? `HTTP ${o.reach.status}`}`);
    return findings;
  }
  if (!o.reach.node) {
    add(
      "reach",
      "fail",
      `responses carry no ${NODE_HEADER} header: the URL does not lead to meshboard nodes, or a proxy strips the header, so the doctor cannot tell which node served what`,
    );
  } else {
    const access = o.signedLinks ? " (access control on: test boards opened through signed links from GET /)" : "";
    add("reach", "ok", `health check answered by ${o.reach.node} in ${ms(o.reach.ms)}${access}`);
  }

  const pollingDisabled = o.polling.length > 0 && o.polling.every((p) => p.engineCode === 0 && p.requests.length === 1);
  const affinityBroken = diagnoseAffinity(o, pollingDisabled, add);
  diagnoseSpread(o, add);
  diagnoseWebsocket(o, add);
  if (!pollingDisabled) diagnoseUpgrade(o, affinityBroken, add);
  diagnoseStroke(o, add);
  diagnoseLatency(o, add);
  return findings;
}

type Add = (check: Check, status: Status, message: string) => void;

/** Returns true when polling sessions were split across nodes or lost. */
function diagnoseAffinity(o: Observations, pollingDisabled: boolean, add: Add): boolean {
  const sessions = o.polling;
  if (sessions.length === 0) return false;
  if (pollingDisabled) {
    add(
      "affinity",
      "warn",
      "the deployment refuses HTTP long-polling (Engine.IO: Transport unknown): clients must open a websocket, which needs no affinity; clients behind proxies that block websockets cannot connect",
    );
    return false;
  }
  const split = sessions.filter((p) => p.nodes.length > 1);
  if (split.length > 0) {
    const worst = split.reduce((a, b) => (b.nodes.length > a.nodes.length ? b : a));
    add(
      "affinity",
      "fail",
      `polling requests of one session reached ${worst.nodes.length} nodes: the balancer has no session affinity ` +
        `(${split.length} of ${sessions.length} sessions were split, e.g. ${worst.nodes.join(" → ")}, which answered "${worst.error ?? "?"}"); ` +
        AFFINITY_HINT,
    );
    return true;
  }
  const lost = sessions.filter((p) => p.engineCode === 1);
  if (lost.length > 0) {
    const node = lost[0].nodes[0];
    add(
      "affinity",
      "fail",
      `${plural(lost.length, "polling session")} of ${sessions.length} lost between two requests ("Session ID unknown"${node ? ` from ${node}` : ""}): ` +
        `requests went to a node that does not name itself, or the node restarted; ${AFFINITY_HINT}`,
    );
    return true;
  }
  const failed = sessions.filter((p) => !p.completed);
  if (failed.length > 0) {
    const first = failed[0];
    const where = first.nodes.length ? ` on ${first.nodes.join(", ")}` : "";
    const why = first.refused
      ? `the node refused the session with ${first.refused.code}${first.refused.message ? ` (${first.refused.message})` : ""}`
      : first.error;
    add("affinity", "fail", `${failed.length} of ${sessions.length} polling sessions failed${where}: ${why}`);
    return false;
  }
  const requests = sessions.reduce((n, p) => n + p.requests.length, 0);
  add("affinity", "ok", `${sessions.length} polling sessions (${requests} requests): every session stayed on one node`);
  return false;
}

function diagnoseSpread(o: Observations, add: Add): void {
  const nodes = [
    ...o.polling.map((p) => p.handshakeNode ?? p.welcomeNode),
    ...(o.stroke?.clients ?? []).map((c) => c.node),
  ].filter((n): n is string => !!n);
  if (nodes.length === 0) return;
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n, (counts.get(n) ?? 0) + 1);
  const list = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([n, c]) => `${n}: ${c}`).join(", ");
  if (o.expectNodes && counts.size < o.expectNodes) {
    add(
      "spread",
      "fail",
      `sessions reached ${counts.size} of the ${o.expectNodes} expected nodes (${list}): the others are not ready, or the balancer does not send them clients`,
    );
  } else if (counts.size === 1 && nodes.length >= 3) {
    add(
      "spread",
      "warn",
      `all ${nodes.length} sessions reached one node (${nodes[0]}): either the deployment has a single ready node, or the balancer sends every client to the same one`,
    );
  } else {
    add("spread", "ok", `${plural(counts.size, "node")} took sessions: ${list}`);
  }
}

function diagnoseWebsocket(o: Observations, add: Add): void {
  const ws = (o.stroke?.clients ?? []).filter((c) => c.kind === "websocket");
  if (ws.length === 0) return;
  const failed = ws.filter((c) => !c.node);
  if (failed.length === ws.length) {
    add(
      "websocket",
      "fail",
      `websocket-only clients could not connect (${failed[0].error ?? "no welcome"}): the balancer or a proxy in front of it does not pass WebSocket upgrades`,
    );
  } else if (failed.length > 0) {
    add("websocket", "fail", `${failed.length} of ${ws.length} websocket-only clients could not connect (${failed[0].error ?? "no welcome"})`);
  } else {
    const connect = stats(ws.map((c) => c.connectMs ?? 0));
    add("websocket", "ok", `${plural(ws.length, "websocket-only client")} joined (p50 ${ms(connect?.p50 ?? 0)})`);
  }
}

function diagnoseUpgrade(o: Observations, affinityBroken: boolean, add: Add): void {
  const up = (o.stroke?.clients ?? []).filter((c) => c.kind === "upgrade");
  if (up.length === 0) return;
  const notJoined = up.filter((c) => !c.node);
  const notUpgraded = up.filter((c) => c.node && c.transport !== "websocket");
  if (notJoined.length > 0) {
    add(
      "upgrade",
      "fail",
      `${notJoined.length} of ${up.length} clients starting on long-polling could not connect (${notJoined[0].error ?? "no welcome"})` +
        (affinityBroken ? ": a consequence of the missing session affinity" : ""),
    );
  } else if (notUpgraded.length > 0) {
    add(
      "upgrade",
      "fail",
      `${notUpgraded.length} of ${up.length} polling sessions did not upgrade to websocket (${notUpgraded[0].upgradeError ?? "no upgrade"}): ` +
        "the balancer does not pass WebSocket upgrades, or sends the upgrade request to another node than the session's",
    );
  } else {
    add("upgrade", "ok", `${up.length} of ${up.length} polling sessions upgraded to websocket`);
  }
}

function diagnoseStroke(o: Observations, add: Add): void {
  const s = o.stroke;
  if (!s) return;
  if (s.strokes.length === 0) {
    add("stroke", "fail", "no client could join the scratch board, so no test stroke was drawn");
    return;
  }
  let failed = false;
  for (const stroke of s.strokes) {
    const from = stroke.drawerNode ?? "an unnamed node";
    if (stroke.ackError) {
      failed = true;
      add("stroke", "fail", `the test stroke drawn on ${from} was not acknowledged (${stroke.ackError}): the node cannot store operations`);
    }
    const missing = stroke.deliveries.filter((d) => d.ms === null);
    const crossMissing = [...new Set(missing.filter((d) => d.node !== stroke.drawerNode).map((d) => d.node ?? "?"))];
    const sameMissing = missing.filter((d) => d.node === stroke.drawerNode);
    if (crossMissing.length > 0) {
      failed = true;
      add(
        "stroke",
        "fail",
        `a stroke drawn on ${from} did not reach the clients on ${crossMissing.join(", ")} within ${ms(o.deliveryTimeoutMs)}: ` +
          "broadcasts do not cross nodes (every node must run in cluster mode with the same REDIS_URL, and Redis must be up)",
      );
    }
    if (sameMissing.length > 0) {
      failed = true;
      add(
        "stroke",
        "fail",
        `a stroke drawn on ${from} did not reach ${plural(sameMissing.length, "other client")} on the same node within ${ms(o.deliveryTimeoutMs)}: the node does not relay operations to a board's members`,
      );
    }
  }
  if (failed) return;
  const joinedNodes = new Set(s.clients.filter((c) => c.node).map((c) => c.node));
  const receivers = s.strokes.reduce((n, x) => n + x.deliveries.length, 0);
  if (joinedNodes.size < 2) {
    add(
      "stroke",
      "warn",
      `every client of the scratch board was served by ${[...joinedNodes][0]}, so strokes crossing nodes were not tested ` +
        "(expected with a single node, or with a balancer that keeps each board on one node)",
    );
  } else {
    const drawers = s.strokes.map((x) => x.drawerNode).join(", ");
    add("stroke", "ok", `test strokes drawn on ${drawers} reached all ${receivers} receiving clients, across nodes`);
  }
}

function diagnoseLatency(o: Observations, add: Add): void {
  const l = summarizeLatency(o);
  const parts: string[] = [];
  if (l.pollingRequestMs) parts.push(`polling request p50 ${ms(l.pollingRequestMs.p50)} (max ${ms(l.pollingRequestMs.max)})`);
  if (l.websocketConnectMs) parts.push(`websocket join p50 ${ms(l.websocketConnectMs.p50)}`);
  if (l.ackMs) parts.push(`stroke ack p50 ${ms(l.ackMs.p50)} (max ${ms(l.ackMs.max)})`);
  if (l.crossNodeDeliveryMs) parts.push(`cross-node delivery p50 ${ms(l.crossNodeDeliveryMs.p50)} (max ${ms(l.crossNodeDeliveryMs.max)})`);
  else if (l.deliveryMs) parts.push(`delivery p50 ${ms(l.deliveryMs.p50)} (max ${ms(l.deliveryMs.max)})`);
  if (parts.length === 0) return;
  const slow = [l.ackMs, l.deliveryMs, l.pollingRequestMs].some((x) => x && x.p50 > SLOW_MS);
  add("latency", slow ? "warn" : "ok", parts.join("; ") + (slow ? `: slower than ${ms(SLOW_MS)}, users will notice` : ""));
}

/** Exit status: 0 when nothing failed. */
export function exitCode(findings: readonly Finding[]): number {
  return findings.some((f) => f.status === "fail") ? 1 : 0;
}

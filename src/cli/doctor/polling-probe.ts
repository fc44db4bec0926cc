/**
 * A whole meshboard session over HTTP long-polling, request by request: the
 * Engine.IO handshake, the Socket.IO CONNECT with the protocol's auth, the
 * welcome, then a few sync round trips, so that the session makes enough
 * requests to show whether the balancer keeps them on one node.
 */
import { randomBytes } from "node:crypto";
import { BOARD_QUERY_PARAM } from "../../shared/constants.js";
import { PROTOCOL_VERSION, type HandshakeAuth } from "../../shared/protocol.js";
import { PollingError, PollingSession, type RequestRecord } from "./polling-session.js";
import type { ScratchBoard } from "./scratch-boards.js";

export interface PollingProbeResult {
  board: string;
  requests: RequestRecord[];
  /** Distinct nodes that answered, in order of first answer. */
  nodes: string[];
  /** The node that answered the Engine.IO handshake. */
  handshakeNode: string | null;
  /** The node the welcome event named. */
  welcomeNode: string | null;
  /** True once the session was welcomed and all its round trips were answered. */
  completed: boolean;
  /** What stopped the session early. */
  error?: string;
  /** Engine.IO's error code, when the server refused a request with one. */
  engineCode?: number;
  /** Socket.IO refused the CONNECT: its code and message (connect_error). */
  refused?: { code: string; message: string };
  /** Cookie names the session ended up holding (the balancer's affinity cookie among them). */
  cookies: string[];
}

export function newClientId(): string {
  return randomBytes(12).toString("base64url");
}

export async function runPollingProbe(
  base: URL,
  { board, token }: ScratchBoard,
  opts: { roundTrips: number; timeoutMs: number },
): Promise<PollingProbeResult> {
  const session = new PollingSession(base, { [BOARD_QUERY_PARAM]: board }, opts.timeoutMs);
  const result: PollingProbeResult = {
    board,
    requests: session.requests,
    nodes: [],
    handshakeNode: null,
    welcomeNode: null,
    completed: false,
    cookies: [],
  };
  /** Socket.IO packets (Engine.IO "message" payloads) not yet consumed. */
  const inbox: string[] = [];

  // GETs until a Socket.IO packet matching `want` arrives; answers pings on the way.
  const receive = async (want: (p: string) => boolean): Promise<string> => {
    for (;;) {
      const i = inbox.findIndex(want);
      if (i >= 0) return inbox.splice(i, 1)[0];
      for (const packet of await session.get()) {
        if (packet === "2") await session.post(["3"]);
        else if (packet.startsWith("1")) throw new Error("the server closed the session");
        else if (packet.startsWith("4")) inbox.push(packet.slice(1));
      }
    }
  };

  try {
    await session.open();
    result.handshakeNode = session.requests[0]?.node ?? null;
    const auth: HandshakeAuth = { protocol: PROTOCOL_VERSION, clientId: newClientId(), name: "meshboard doctor", token };
    await session.post([`40${JSON.stringify(auth)}`]);
    const connect = await receive((p) => p.startsWith("0") || p.startsWith("4"));
    if (connect.startsWith("4")) {
      const err = JSON.parse(connect.slice(1)) as { message?: string; data?: { code?: string; message?: string } };
      result.refused = { code: err.data?.code ?? err.message ?? "unknown", message: err.data?.message ?? "" };
      throw new Error(`the node refused the session: ${result.refused.code}${result.refused.message ? ` (${result.refused.message})` : ""}`);
    }
    const welcome = await receive((p) => p.startsWith('2["welcome",'));
    result.welcomeNode = (JSON.parse(welcome.slice(1)) as [string, { node?: string }])[1].node ?? null;
    for (let i = 1; i <= opts.roundTrips; i++) {
      await session.post([`42${i}${JSON.stringify(["sync", { since: 0 }])}`]);
      await receive((p) => p.startsWith(`3${i}[`));
    }
    result.completed = true;
    // Leave politely (close packet): one more request of the session.
    await session.post(["1"]);
  } catch (err) {
    result.error = (err as Error).message;
    if (err instanceof PollingError) result.engineCode = err.engineCode;
  }
  for (const r of session.requests) if (r.node && !result.nodes.includes(r.node)) result.nodes.push(r.node);
  result.cookies = session.jar.names();
  return result;
}

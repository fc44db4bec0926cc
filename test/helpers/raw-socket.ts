/**
 * Socket.IO spoken by hand over a raw WebSocket (Engine.IO v4 framing), to send
 * what no well-behaved client library would: malformed packets, non-JSON numbers,
 * pollution keys, binary junk.
 */
import WebSocket from "ws";
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import { PROTOCOL_VERSION } from "../../src/shared/protocol.js";
import { newId } from "./board-client.js";
import { waitFor } from "./wait.js";

export class RawSocket {
  readonly frames: string[] = [];
  closed = false;
  closeCode: number | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? `<binary ${(data as Buffer).length}>` : (data as Buffer).toString();
      if (text === "2") ws.send("3"); // Engine.IO ping → pong
      this.frames.push(text);
    });
    ws.on("close", (code) => {
      this.closed = true;
      this.closeCode = code;
    });
    ws.on("error", () => undefined);
  }

  /** Opens a WebSocket session and connects to the main namespace; resolves once `40` (connected) arrives. */
  static async open(base: string, boardId: string, opts: { headers?: Record<string, string>; auth?: unknown } = {}): Promise<RawSocket> {
    const url = `${base.replace(/^http/, "ws")}${SOCKET_PATH}?EIO=4&transport=websocket&${BOARD_QUERY_PARAM}=${encodeURIComponent(boardId)}`;
    const ws = new WebSocket(url, { headers: opts.headers });
    const s = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    const auth = opts.auth ?? { protocol: PROTOCOL_VERSION, clientId: newId(), name: "raw" };
    ws.send(`40${JSON.stringify(auth)}`);
    await waitFor(() => s.frames.some((f) => f.startsWith("40")) || s.frames.some((f) => f.startsWith("44")) || s.closed, { what: "namespace connect" });
    if (!s.frames.some((f) => f.startsWith("40"))) throw new Error(`not connected: ${s.frames.join(" | ").slice(0, 300)}`);
    return s;
  }

  send(frame: string | Buffer): void {
    if (!this.closed) this.ws.send(frame);
  }

  /** Sends `42<id>[event, payload]` verbatim and waits for the `43<id>` answer. */
  async emitWithAck(id: number, body: string, timeoutMs = 5_000): Promise<unknown> {
    this.send(`42${id}${body}`);
    const frame = await waitFor(() => this.frames.find((f) => f.startsWith(`43${id}[`)), { timeoutMs, what: `ack ${id}` });
    return (JSON.parse(frame.slice(`43${id}`.length)) as unknown[])[0];
  }

  /**
   * Asks `sync` with ack `id` and reports how the session is: answering, closed by
   * the server, or silent (connected, but no longer in the namespace).
   */
  async probe(id: number, timeoutMs = 500): Promise<"alive" | "closed" | "silent"> {
    this.send(`42${id}["sync",{"since":0}]`);
    const outcome = await waitFor(() => (this.closed ? "closed" : this.frames.some((f) => f.startsWith(`43${id}[`)) ? "alive" : null), {
      timeoutMs,
      intervalMs: 2,
      what: "probe",
    }).catch(() => "silent" as const);
    return outcome;
  }

  /** Socket.IO events received so far, decoded: [name, payload]. */
  events(): Array<[string, unknown]> {
    return this.frames.filter((f) => f.startsWith("42[")).map((f) => JSON.parse(f.slice(2)) as [string, unknown]);
  }

  close(): void {
    this.ws.terminate();
  }
}

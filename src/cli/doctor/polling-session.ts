/**
 * One Engine.IO v4 long-polling session made by hand with fetch, so that every
 * HTTP request's answering node (x-meshboard-node) and status can be recorded.
 * Cookies are kept across requests as a browser keeps them: that is how a
 * balancer's affinity cookie works.
 */
import { NODE_HEADER, SOCKET_PATH } from "../../shared/constants.js";
import { CookieJar } from "./cookie-jar.js";

/** Engine.IO separates packets in one polling payload with the record separator. */
const SEPARATOR = "\x1e";

export interface RequestRecord {
  method: "GET" | "POST";
  /** HTTP status; 0 when no response came (network error or timeout). */
  status: number;
  /** The x-meshboard-node header of the response, if any. */
  node: string | null;
  ms: number;
  /** Why the request failed: Engine.IO's error message, the HTTP body, or the network error. */
  error?: string;
}

/** A failed request, with Engine.IO's error code when the server gave one. */
export class PollingError extends Error {
  constructor(
    message: string,
    readonly record: RequestRecord,
    /** Engine.IO error code: 0 transport unknown, 1 session id unknown, 3 bad request, … */
    readonly engineCode?: number,
  ) {
    super(message);
  }
}

export class PollingSession {
  readonly requests: RequestRecord[] = [];
  readonly jar = new CookieJar();
  sid: string | null = null;

  constructor(
    private readonly base: URL,
    private readonly query: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  /** GET without a sid: the Engine.IO handshake. Returns the open packet's data. */
  async open(): Promise<{ sid: string; upgrades: string[]; pingInterval: number }> {
    const [first] = await this.get();
    if (!first?.startsWith("0")) throw new PollingError(`unexpected handshake answer ${JSON.stringify(first?.slice(0, 80))}`, this.last());
    const open = JSON.parse(first.slice(1)) as { sid: string; upgrades: string[]; pingInterval: number };
    this.sid = open.sid;
    return open;
  }

  /** One GET: the packets the server had queued (it holds the request until it has some). */
  async get(): Promise<string[]> {
    const body = await this.request("GET");
    return body.split(SEPARATOR);
  }

  /** One POST of packets. */
  async post(packets: string[]): Promise<void> {
    const body = await this.request("POST", packets.join(SEPARATOR));
    if (body !== "ok") throw new PollingError(`unexpected POST answer ${JSON.stringify(body.slice(0, 80))}`, this.last());
  }

  private last(): RequestRecord {
    return this.requests[this.requests.length - 1];
  }

  private url(): URL {
    const url = new URL(SOCKET_PATH, this.base);
    url.searchParams.set("EIO", "4");
    url.searchParams.set("transport", "polling");
    for (const [k, v] of Object.entries(this.query)) url.searchParams.set(k, v);
    if (this.sid) url.searchParams.set("sid", this.sid);
    // Like socket.io-client: defeat caches between the client and the node.
    url.searchParams.set("t", Math.random().toString(36).slice(2, 10));
    return url;
  }

  private async request(method: "GET" | "POST", body?: string): Promise<string> {
    const headers: Record<string, string> = {};
    const cookie = this.jar.header();
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers["content-type"] = "text/plain;charset=UTF-8";
    const started = performance.now();
    const record: RequestRecord = { method, status: 0, node: null, ms: 0 };
    this.requests.push(record);
    let res: Response;
    try {
      res = await fetch(this.url(), { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      record.ms = performance.now() - started;
      const e = err as Error & { cause?: { code?: string; message?: string } };
      record.error = e.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new PollingError(record.error, record);
    }
    const text = await res.text().catch(() => "");
    record.ms = performance.now() - started;
    record.status = res.status;
    record.node = res.headers.get(NODE_HEADER);
    this.jar.store(res.headers.getSetCookie());
    if (res.status !== 200) {
      let engineCode: number | undefined;
      let message = text.trim().slice(0, 120) || `HTTP ${res.status}`;
      try {
        const parsed = JSON.parse(text) as { code?: number; message?: string };
        if (typeof parsed.code === "number") engineCode = parsed.code;
        if (parsed.message) message = parsed.message;
      } catch {
        // not Engine.IO's JSON error: keep the body's start
      }
      record.error = message;
      throw new PollingError(`HTTP ${res.status}: ${message}`, record, engineCode);
    }
    return text;
  }
}

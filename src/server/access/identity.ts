/**
 * Identities the server vouches for. The handshake's `clientId` is whatever a
 * client says (another editor could act and appear as `victimClient1`), so each
 * browser gets a random id from the server, signed (HMAC-SHA256) and kept in an
 * HttpOnly cookie that the board page and the Socket.IO handshake set when it is
 * missing or forged. Presence, drafts and op authorship use that id; the claimed
 * one is ignored. No stored state: any node with the key verifies any cookie.
 *
 * The key: IDENTITY_SECRET, else one derived from ACCESS_SECRET, else (cluster)
 * one generated once and shared through Redis, else (single node) one generated
 * once and kept in DATA_DIR (identity-key.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { IDENTITY_COOKIE } from "../../shared/constants.js";

/** Domain separation: a MAC made for anything else (board links) never verifies as an identity. */
const CONTEXT = "meshboard/identity/v1";
const ID_BYTES = 16;
const MAC_BYTES = 18;
const ONE_YEAR_S = 365 * 24 * 60 * 60;
const COOKIE_VALUE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{24})$/;

export class Identities {
  private key: Buffer | null = null;

  /** Whether the key is known (until then nobody is vouched for: the node is not ready). */
  get ready(): boolean {
    return this.key !== null;
  }

  useKey(key: Buffer): void {
    this.key = key;
  }

  /** Uses a configured secret, through its own derivation (the same secret signs board links). */
  useSecret(secret: string): void {
    this.key = createHmac("sha256", secret).update(`${CONTEXT}/key`).digest();
  }

  /** A new identity: its id and the cookie value that proves it. */
  issue(): { id: string; value: string } {
    const id = randomBytes(ID_BYTES).toString("base64url");
    return { id, value: `${id}.${this.mac(id).toString("base64url")}` };
  }

  /** The id a cookie value proves, or null (missing, malformed, forged, or the key not known yet). */
  verify(value: string | undefined): string | null {
    const m = value === undefined ? null : COOKIE_VALUE.exec(value);
    if (!m || !this.key) return null;
    const given = Buffer.from(m[2], "base64url");
    return given.length === MAC_BYTES && timingSafeEqual(given, this.mac(m[1])) ? m[1] : null;
  }

  /** The id vouched for by a request's cookie, or null. */
  fromHeaders(headers: IncomingHttpHeaders): string | null {
    return this.verify(readCookie(headers.cookie, IDENTITY_COOKIE));
  }

  /** A Set-Cookie header value for a cookie value; Secure when the page was reached over HTTPS. */
  cookie(value: string, secure: boolean): string {
    return `${IDENTITY_COOKIE}=${value}; Path=/; Max-Age=${ONE_YEAR_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  }

  private mac(id: string): Buffer {
    if (!this.key) throw new Error("identity key not loaded");
    return createHmac("sha256", this.key).update(`${CONTEXT}\n${id}`).digest().subarray(0, MAC_BYTES);
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a request came over HTTPS (directly, or as the proxy in front says when it is trusted). */
export function overHttps(headers: IncomingHttpHeaders, encrypted: boolean, trustProxy: boolean): boolean {
  if (encrypted) return true;
  const proto = headers["x-forwarded-proto"];
  return trustProxy && typeof proto === "string" && proto.split(",")[0].trim() === "https";
}

/** An Engine.IO server, as far as vouching reads it. */
interface EngineEvents {
  on(event: "initial_headers", listener: (headers: Record<string, string | string[]>, req: IncomingMessage) => void): unknown;
}

/**
 * Vouches for every new Engine.IO connection: one without a valid identity cookie
 * gets a new identity, set in the handshake response (polling or WebSocket).
 * Returns what tells the handshake middleware the id of a connection's request.
 */
export function vouchConnections(engine: EngineEvents, identities: Identities, trustProxy: boolean): (req: IncomingMessage) => string | null {
  const issued = new WeakMap<IncomingMessage, string>();
  engine.on("initial_headers", (headers, req) => {
    if (!identities.ready || identities.fromHeaders(req.headers)) return;
    const { id, value } = identities.issue();
    issued.set(req, id);
    headers["set-cookie"] = identities.cookie(value, overHttps(req.headers, Boolean((req.socket as { encrypted?: boolean }).encrypted), trustProxy));
  });
  return (req) => identities.fromHeaders(req.headers) ?? issued.get(req) ?? null;
}

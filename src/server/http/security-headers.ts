/**
 * Security headers on every HTTP response. Set by hand rather than through
 * @fastify/helmet: the policy is a dozen fixed strings, and the Content-Security-
 * Policy has to be written for this client anyway.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { ADMIN_UI_PATH } from "../observability/admin-ui.js";
import { errorPage } from "./pages.js";

/** The server-rendered error pages carry one inline <style>; CSP allows exactly it, by hash. */
function inlineStyleHashes(): string[] {
  const page = errorPage(500, "", "");
  return [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`);
}

function policy(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(" "))
    .join("; ");
}

/**
 * The board client (built by Vite): scripts and styles from its own files, canvases,
 * an inline data: favicon, PNG export through blob: URLs, and Socket.IO over
 * polling ('self') and WebSocket (ws:/wss:).
 */
export const APP_CSP = policy({
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'", ...inlineStyleHashes()],
  "img-src": ["'self'", "data:", "blob:"],
  "font-src": ["'self'"],
  "connect-src": ["'self'", "ws:", "wss:"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
});

/** The optional Socket.IO Admin UI (a Vue build) styles itself inline and loads its fonts and icons from CDNs. */
export const ADMIN_UI_CSP = policy({
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'", "'unsafe-inline'", "https://fonts.googleapis.com", "https://cdn.jsdelivr.net"],
  "font-src": ["'self'", "data:", "https://fonts.gstatic.com", "https://cdn.jsdelivr.net"],
  "img-src": ["'self'", "data:"],
  "connect-src": ["'self'", "ws:", "wss:"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "frame-ancestors": ["'none'"],
});

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  // Board links carry access tokens in their query: never leak them in a Referer.
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  "x-dns-prefetch-control": "off",
  // Browsers honour it only over HTTPS (behind the TLS-terminating gateway).
  "strict-transport-security": "max-age=15552000",
};

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    reply.header("content-security-policy", req.url.startsWith(ADMIN_UI_PATH) ? ADMIN_UI_CSP : APP_CSP);
    return payload;
  });
}

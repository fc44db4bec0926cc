/**
 * Who a request comes from, for per-address limits. Behind a balancer every
 * connection comes from the balancer, so X-Forwarded-For is read, but only as far
 * as TRUST_PROXY says: anyone can send that header, and only entries added by
 * proxies we run are facts.
 */
import type { IncomingHttpHeaders } from "node:http";

/**
 * How many proxies in front of the node to believe: 0 ignores X-Forwarded-For,
 * n takes the address the n-th proxy saw (counting from the node), Infinity takes
 * the leftmost entry (only safe when the first proxy overwrites the header).
 */
export type TrustedHops = number;

export function clientAddress(remoteAddress: string | undefined, headers: IncomingHttpHeaders, trustedHops: TrustedHops): string {
  const remote = normalize(remoteAddress ?? "unknown");
  if (trustedHops <= 0) return remote;
  const header = headers["x-forwarded-for"];
  const raw = Array.isArray(header) ? header.join(",") : header;
  if (!raw) return remote;
  // Nearest first: the node's peer, then what each proxy saw, right to left.
  const chain = [remote, ...raw.split(",").map((s) => normalize(s.trim())).filter(Boolean).reverse()];
  return chain[Math.min(trustedHops, chain.length - 1)];
}

/** `::ffff:1.2.3.4` and `1.2.3.4` are one client; zone ids and ports are dropped. */
function normalize(address: string): string {
  let a = address.toLowerCase();
  if (a.startsWith("[")) a = a.slice(1, a.indexOf("]") > 0 ? a.indexOf("]") : undefined);
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  if (a.startsWith("::ffff:") && a.includes(".")) a = a.slice(7);
  const zone = a.indexOf("%");
  return (zone >= 0 ? a.slice(0, zone) : a).slice(0, 64);
}

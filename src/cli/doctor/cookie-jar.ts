/**
 * The cookies one browser would keep for one site: enough to carry a
 * balancer's affinity cookie from response to request. Domain and path are
 * ignored (the doctor talks to one origin, under one path).
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; expires: number }>();

  /** Takes the Set-Cookie headers of a response. */
  store(setCookies: readonly string[], now = Date.now()): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      let value = pair.slice(eq + 1).trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
      let expires = Number.POSITIVE_INFINITY;
      for (const attribute of attributes) {
        const [key, v = ""] = attribute.split("=").map((s) => s.trim());
        const k = key.toLowerCase();
        // Max-Age wins over Expires (RFC 6265 5.3); a date that does not parse deletes nothing.
        if (k === "max-age" && /^-?\d+$/.test(v)) expires = now + Number(v) * 1000;
        else if (k === "expires" && expires === Number.POSITIVE_INFINITY) {
          const t = Date.parse(v);
          if (!Number.isNaN(t)) expires = t;
        }
      }
      if (expires <= now) this.cookies.delete(name);
      else this.cookies.set(name, { value, expires });
    }
  }

  /** The Cookie request header, or undefined when the jar is empty. */
  header(now = Date.now()): string | undefined {
    const pairs: string[] = [];
    for (const [name, c] of this.cookies) {
      if (c.expires <= now) this.cookies.delete(name);
      else pairs.push(`${name}=${c.value}`);
    }
    return pairs.length ? pairs.join("; ") : undefined;
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }
}

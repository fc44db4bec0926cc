/**
 * Wraps the global fetch (which engine.io-client's Fetch polling transport uses)
 * to record, per Engine.IO session, which node answered each request.
 */
export interface RecordedRequest {
  method: string;
  sid: string | null;
  status: number;
  node: string | null;
  body: string;
}

export function recordFetches(nodeHeader: string): { requests: RecordedRequest[]; restore(): void } {
  const original = globalThis.fetch;
  const requests: RecordedRequest[] = [];
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const res = await original(input, init);
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.pathname.startsWith("/socket.io")) {
      const clone = res.clone();
      const body = res.status === 200 ? "" : await clone.text();
      let sid = url.searchParams.get("sid");
      if (!sid && res.status === 200 && (init?.method ?? "GET") === "GET") {
        // The handshake response carries the new sid: `0{"sid":"…",…}`.
        const text = await clone.text();
        sid = /"sid":"([^"]+)"/.exec(text)?.[1] ?? null;
      }
      requests.push({ method: init?.method ?? "GET", sid, status: res.status, node: res.headers.get(nodeHeader), body });
    }
    return res;
  };
  return { requests, restore: () => (globalThis.fetch = original) };
}

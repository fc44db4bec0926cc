/** The client's assets as a browser gets them: precompressed, negotiated, cached for good, no public source maps. */
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A raw GET: fetch() would decode the body and hide the encoding we want to see. */
function get(path: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function assetPaths(): Promise<string[]> {
  const page = (await get("/b/delivery")).body.toString("utf8");
  const paths = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  expect(paths.some((p) => p.endsWith(".js"))).toBe(true);
  return paths;
}

describe("asset delivery", () => {
  it("serves the bundle in brotli or gzip as the request accepts, identical once decoded", async () => {
    for (const asset of await assetPaths()) {
      const plain = await get(asset);
      expect(plain.status, asset).toBe(200);
      expect(plain.headers["content-encoding"], asset).toBeUndefined();

      const br = await get(asset, "gzip, deflate, br");
      expect(br.headers["content-encoding"], asset).toBe("br");
      expect(br.body.length).toBeLessThan(plain.body.length / 2);
      expect(brotliDecompressSync(br.body).equals(plain.body), asset).toBe(true);

      const gz = await get(asset, "gzip");
      expect(gz.headers["content-encoding"], asset).toBe("gzip");
      expect(gunzipSync(gz.body).equals(plain.body), asset).toBe(true);

      // Refusing brotli with q=0 is honoured.
      expect((await get(asset, "br;q=0, gzip")).headers["content-encoding"]).toBe("gzip");
      expect(String(br.headers["vary"] ?? "").toLowerCase()).toContain("accept-encoding");
    }
  });

  it("caches hashed assets for good and never caches the board page", async () => {
    const [asset] = await assetPaths();
    const res = await get(asset, "br");
    expect(asset).toMatch(/-[A-Za-z0-9_-]{8,}\.(js|css)$/);
    expect(res.headers["cache-control"]).toMatch(/immutable/);
    expect(res.headers["cache-control"]).toMatch(/max-age=31536000/);
    const page = await get("/b/delivery", "br");
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(page.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(page.body).toString("utf8")).toContain("<html");
    expect((await get("/b/delivery")).body.toString("utf8")).toContain("<html");
  });

  it("keeps the schema library out of the browser bundle (it compiles with eval, which the CSP forbids)", async () => {
    for (const asset of (await assetPaths()).filter((p) => p.endsWith(".js"))) {
      expect((await get(asset)).body.toString("utf8")).not.toContain("_zod");
    }
  });

  it("keeps source maps off the public server", async () => {
    for (const asset of await assetPaths()) {
      const body = (await get(asset)).body.toString("utf8");
      expect(body).not.toMatch(/sourceMappingURL/);
      expect((await get(`${asset}.map`)).status).toBe(404);
    }
  });
});

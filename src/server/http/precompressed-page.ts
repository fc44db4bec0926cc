/**
 * One HTML page held in memory with the .br/.gz copies the client build made,
 * sent in the best encoding the request accepts.
 */
import { readFile } from "node:fs/promises";

export type ContentCoding = "br" | "gzip" | "identity";

/** Codings a request accepts (RFC 9110 Accept-Encoding: q=0 refuses), best first. */
export function negotiateEncoding(acceptEncoding: string | undefined, available: readonly ContentCoding[]): ContentCoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const quality = (c: ContentCoding) => accepted.get(c) ?? accepted.get("*") ?? 0;
  // The highest q wins; our preference breaks ties (brotli is smallest). A compressed
  // body is always preferred to the plain one when the client accepts it at all.
  let best: ContentCoding = "identity";
  for (const c of (["br", "gzip"] as const).filter((c) => available.includes(c))) {
    if (quality(c) > 0 && (best === "identity" || quality(c) > quality(best))) best = c;
  }
  return best;
}

export interface PrecompressedPage {
  body: Buffer;
  encodings: Partial<Record<Exclude<ContentCoding, "identity">, Buffer>>;
}

export async function loadPrecompressedPage(file: string): Promise<PrecompressedPage> {
  const body = await readFile(file);
  const optional = (f: string) => readFile(f).catch(() => undefined);
  const [br, gzip] = await Promise.all([optional(`${file}.br`), optional(`${file}.gz`)]);
  return { body, encodings: { ...(br && { br }), ...(gzip && { gzip }) } };
}

/** The body to send and its Content-Encoding (undefined for identity). */
export function pickEncoding(page: PrecompressedPage, acceptEncoding: string | undefined): { body: Buffer; encoding?: "br" | "gzip" } {
  const available = Object.keys(page.encodings) as ContentCoding[];
  const coding = negotiateEncoding(acceptEncoding, available);
  return coding === "identity" ? { body: page.body } : { body: page.encodings[coding]!, encoding: coding };
}

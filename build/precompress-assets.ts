/**
 * A Vite build step: every text asset gets .br and .gz siblings made once at build time,
 * so the server negotiates Content-Encoding without compressing per request; source maps
 * move out of the served folder.
 */
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompress, constants, gzip } from "node:zlib";
import { promisify } from "node:util";
import type { Plugin } from "vite";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** What is worth compressing: text. Images and fonts are compressed already. */
export const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;
/** Below this, a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024;

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else yield full;
  }
}

export async function compressFile(file: string): Promise<void> {
  const body = await readFile(file);
  if (body.length < MIN_BYTES) return;
  const [br, gzipped] = await Promise.all([
    brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gz(body, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  // A compressed copy that is not smaller is never worth serving.
  if (br.length < body.length) await writeFile(`${file}.br`, br);
  if (gzipped.length < body.length) await writeFile(`${file}.gz`, gzipped);
}

export function precompressAssets(opts: { sourcemapDir: string }): Plugin {
  let outDir = "";
  let mapDir = "";
  return {
    name: "meshboard-precompress-assets",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      mapDir = path.resolve(config.root, opts.sourcemapDir);
    },
    async closeBundle() {
      await mkdir(mapDir, { recursive: true });
      const jobs: Promise<void>[] = [];
      for await (const file of filesUnder(outDir)) {
        if (file.endsWith(".map")) {
          const target = path.join(mapDir, path.relative(outDir, file));
          await mkdir(path.dirname(target), { recursive: true });
          await rename(file, target);
        } else if (COMPRESSIBLE.test(file)) {
          jobs.push(compressFile(file));
        }
      }
      await Promise.all(jobs);
    },
  };
}

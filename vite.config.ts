import { defineConfig } from "vite";
import { precompressAssets } from "./build/precompress-assets.js";

// The client is plain TypeScript; Vite bundles it into dist/client, which the server serves.
// Source maps are written for debugging but kept out of the served folder (dist/client-sourcemaps),
// and the bundle carries no sourceMappingURL: nothing public points at them.
export default defineConfig({
  root: "src/client",
  base: "/",
  build: {
    outDir: "../../dist/client",
    emptyOutDir: true,
    sourcemap: "hidden",
    target: "es2022",
  },
  plugins: [precompressAssets({ sourcemapDir: "../../dist/client-sourcemaps" })],
  server: {
    proxy: { "/socket.io": { target: "http://localhost:3000", ws: true } },
  },
});

import { defineConfig } from "vite";

// The client is plain TypeScript; Vite bundles it into dist/client, which the server serves.
export default defineConfig({
  root: "src/client",
  base: "/",
  build: {
    outDir: "../../dist/client",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
  },
  server: {
    proxy: { "/socket.io": { target: "http://localhost:3000", ws: true } },
  },
});

#!/usr/bin/env node
// The `meshboard` command (package.json "bin"): runs the compiled CLI. Build first: npm run build:server.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("meshboard: the CLI is not built; run `npm run build:server` first\n");
  process.exit(2);
}
await import(entry.href);

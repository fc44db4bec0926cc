import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SqliteBoardStore } from "../../src/server/store/sqlite-store.js";
import { storeContract } from "./store-contract.js";

const dirs = new Map<string, string>();
storeContract("embedded SQLite", {
  async open(limits, key) {
    let dir = key ? dirs.get(key) : undefined;
    if (!dir) {
      dir = mkdtempSync(path.join(tmpdir(), "meshboard-store-"));
      if (key) dirs.set(key, dir);
    }
    return new SqliteBoardStore(dir, limits);
  },
});

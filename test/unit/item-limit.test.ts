/** The item limit covers every kind of item (and duplicates, which are adds); moves and edits add nothing. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BoardFullError } from "../../src/server/store/board-store.js";
import { SqliteBoardStore } from "../../src/server/store/sqlite-store.js";
import { editOp, moveOp, shapeOp, textOp } from "../helpers/board-client.js";

describe("item limit", () => {
  it("counts shapes and texts, not moves or edits", async () => {
    const store = new SqliteBoardStore(mkdtempSync(path.join(tmpdir(), "meshboard-limit-")), { maxItemsPerBoard: 2 });
    try {
      const shape = shapeOp();
      const text = textOp();
      const append = (op: Parameters<typeof store.append>[1]["op"]) => store.append("b", { op, author: "a", at: 0 });
      await append(shape);
      await append(text);
      await append(moveOp([shape.item.id, text.item.id], 5, 5));
      await append(editOp(text.item.id, "changed"));
      await expect(append(textOp())).rejects.toBeInstanceOf(BoardFullError);
      await expect(append(shapeOp("line"))).rejects.toThrow("this board holds the maximum of 2 items");
      expect(await store.head("b")).toBe(4);
    } finally {
      await store.close();
    }
  });
});

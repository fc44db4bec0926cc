/**
 * Embedded store: one SQLite file under DATA_DIR. Chosen over a hand-written
 * append-only log because SQLite gives atomic seq assignment, an index for
 * idempotency by opId and crash safety (WAL, synchronous=FULL) for free.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { BoardOp, SequencedOp } from "../../shared/protocol.js";
import { BoardFullError, type AppendInput, type AppendResult, type BoardStore, type StoreLimits } from "./board-store.js";

interface OpRow {
  seq: number;
  author: string;
  at: number;
  body: string;
}

export class SqliteBoardStore implements BoardStore {
  private readonly db: Database.Database;
  private readonly appendTx: (boardId: string, input: AppendInput) => AppendResult;
  private readonly readStmt: Database.Statement<[string, number, number], OpRow>;
  private readonly headStmt: Database.Statement<[string], { head: number }>;

  constructor(dataDir: string, limits: StoreLimits) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, "meshboard.sqlite"));
    this.db.pragma("journal_mode = WAL");
    // An acknowledged op must survive a crash or power loss: fsync every commit.
    this.db.pragma("synchronous = FULL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS boards (board TEXT PRIMARY KEY, head INTEGER NOT NULL, items INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ops (
        board TEXT NOT NULL, seq INTEGER NOT NULL, op_id TEXT NOT NULL,
        author TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (board, seq)) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS ops_by_op_id ON ops (board, op_id);
    `);
    const findOp = this.db.prepare<[string, string], OpRow>("SELECT seq, author, at, body FROM ops WHERE board = ? AND op_id = ?");
    const boardRow = this.db.prepare<[string], { head: number; items: number }>("SELECT head, items FROM boards WHERE board = ?");
    const upsertBoard = this.db.prepare(
      "INSERT INTO boards (board, head, items) VALUES (?, ?, ?) ON CONFLICT(board) DO UPDATE SET head = excluded.head, items = excluded.items",
    );
    const insertOp = this.db.prepare("INSERT INTO ops (board, seq, op_id, author, at, body) VALUES (?, ?, ?, ?, ?, ?)");
    this.readStmt = this.db.prepare("SELECT seq, author, at, body FROM ops WHERE board = ? AND seq > ? ORDER BY seq LIMIT ?");
    this.headStmt = this.db.prepare("SELECT head FROM boards WHERE board = ?");

    this.appendTx = this.db.transaction((boardId: string, input: AppendInput): AppendResult => {
      const existing = findOp.get(boardId, input.op.opId);
      if (existing) return { stored: toSequenced(existing), duplicate: true };
      const row = boardRow.get(boardId) ?? { head: 0, items: 0 };
      const items = row.items + (input.op.type === "add" ? 1 : 0);
      if (items > limits.maxItemsPerBoard) throw new BoardFullError(limits.maxItemsPerBoard);
      const seq = row.head + 1;
      insertOp.run(boardId, seq, input.op.opId, input.author, input.at, JSON.stringify(input.op));
      upsertBoard.run(boardId, seq, items);
      return { stored: { seq, op: input.op, author: input.author, at: input.at }, duplicate: false };
    });
  }

  async append(boardId: string, input: AppendInput): Promise<AppendResult> {
    return this.appendTx(boardId, input);
  }

  async readSince(boardId: string, since: number, limit: number): Promise<SequencedOp[]> {
    return this.readStmt.all(boardId, since, limit).map(toSequenced);
  }

  async head(boardId: string): Promise<number> {
    return this.headStmt.get(boardId)?.head ?? 0;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toSequenced(row: OpRow): SequencedOp {
  return { seq: row.seq, author: row.author, at: row.at, op: JSON.parse(row.body) as BoardOp };
}

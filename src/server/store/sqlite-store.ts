/**
 * Embedded store: one SQLite file under DATA_DIR. Chosen over a hand-written
 * append-only log because SQLite gives atomic seq assignment, an index for
 * idempotency by opId and crash safety (WAL, synchronous=FULL) for free.
 *
 * Compaction: a board's snapshot lives in its `boards` row; the ops it folds are
 * deleted, their opIds moved to `folded_ids` for the resend window.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { BoardOp, SequencedOp } from "../../shared/protocol.js";
import { RESEND_WINDOW_OPS, opWeight } from "../board/compaction-policy.js";
import {
  BoardFullError,
  DEFAULT_BOARD_MAX_BYTES,
  StorageFullError,
  budgetFor,
  opBytes,
  type AppendInput,
  type AppendResult,
  type BoardState,
  type BoardStore,
  type StoreLimits,
  type StoredSnapshot,
  type StoreTotals,
} from "./board-store.js";

interface OpRow {
  seq: number;
  author: string;
  at: number;
  body: string;
}

interface BoardRow {
  head: number;
  items: number;
  bytes: number;
  tailw: number;
  snap_seq: number;
}

const EMPTY: BoardRow = { head: 0, items: 0, bytes: 0, tailw: 0, snap_seq: 0 };

export class SqliteBoardStore implements BoardStore {
  private readonly db: Database.Database;
  private readonly appendTx: (boardId: string, input: AppendInput) => AppendResult;
  private readonly installTx: (boardId: string, snapshot: StoredSnapshot) => boolean;
  private readonly deleteTx: (boardId: string, before: number) => boolean;
  private readonly readStmt: Database.Statement<[string, number, number], OpRow>;
  private readonly boardStmt: Database.Statement<[string], BoardRow>;
  private readonly snapStmt: Database.Statement<[string], { snapshot: string | null }>;
  private readonly touchStmt: Database.Statement<[number, string]>;
  private readonly idleStmt: Database.Statement<[number, number], { board: string }>;
  private readonly totalsStmt: Database.Statement<[], { boards: number; bytes: number | null }>;

  constructor(dataDir: string, limits: StoreLimits) {
    mkdirSync(dataDir, { recursive: true });
    const maxBytes = limits.maxBytesPerBoard ?? DEFAULT_BOARD_MAX_BYTES;
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
      CREATE TABLE IF NOT EXISTS folded_ids (board TEXT NOT NULL, op_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (board, op_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS folded_ids_by_seq ON folded_ids (board, seq);
    `);
    this.migrate();
    const findOp = this.db.prepare<[string, string], OpRow>("SELECT seq, author, at, body FROM ops WHERE board = ? AND op_id = ?");
    const findFolded = this.db.prepare<[string, string], { seq: number }>("SELECT seq FROM folded_ids WHERE board = ? AND op_id = ?");
    this.boardStmt = this.db.prepare<[string], BoardRow>("SELECT head, items, bytes, tailw, snap_seq FROM boards WHERE board = ?");
    const saveBoard = this.db.prepare<[string, number, number, number, number, number]>(
      `INSERT INTO boards (board, head, items, bytes, tailw, touched) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(board) DO UPDATE SET head = excluded.head, items = excluded.items, bytes = excluded.bytes, tailw = excluded.tailw, touched = excluded.touched`,
    );
    const insertOp = this.db.prepare("INSERT INTO ops (board, seq, op_id, author, at, body) VALUES (?, ?, ?, ?, ?, ?)");
    this.readStmt = this.db.prepare("SELECT seq, author, at, body FROM ops WHERE board = ? AND seq > ? ORDER BY seq LIMIT ?");
    this.snapStmt = this.db.prepare("SELECT snapshot FROM boards WHERE board = ?");
    this.touchStmt = this.db.prepare("UPDATE boards SET touched = ? WHERE board = ?");
    this.idleStmt = this.db.prepare("SELECT board FROM boards WHERE touched < ? ORDER BY touched LIMIT ?");
    this.totalsStmt = this.db.prepare("SELECT count(*) AS boards, sum(bytes) AS bytes FROM boards");

    this.appendTx = this.db.transaction((boardId: string, input: AppendInput): AppendResult => {
      const row = this.boardStmt.get(boardId) ?? EMPTY;
      const existing = findOp.get(boardId, input.op.opId);
      if (existing) return { stored: toSequenced(existing), duplicate: true, board: state(row) };
      const folded = findFolded.get(boardId, input.op.opId);
      if (folded) return { stored: { ...input, seq: folded.seq }, duplicate: true, board: state(row) };
      const items = row.items + (input.op.type === "add" ? 1 : 0);
      if (items > limits.maxItemsPerBoard) throw new BoardFullError(limits.maxItemsPerBoard);
      const body = JSON.stringify(input.op);
      const bytes = row.bytes + opBytes(body);
      if (bytes > budgetFor(input.op, maxBytes)) throw new BoardFullError(maxBytes, "bytes");
      const seq = row.head + 1;
      insertOp.run(boardId, seq, input.op.opId, input.author, input.at, body);
      const next: BoardRow = { head: seq, items, bytes, tailw: row.tailw + opWeight(input.op), snap_seq: row.snap_seq };
      saveBoard.run(boardId, next.head, next.items, next.bytes, next.tailw, input.at);
      return { stored: { seq, op: input.op, author: input.author, at: input.at }, duplicate: false, board: state(next) };
    });

    const foldedOps = this.db.prepare<[string, number, number], { seq: number; op_id: string; body: string }>(
      "SELECT seq, op_id, body FROM ops WHERE board = ? AND seq > ? AND seq <= ? ORDER BY seq",
    );
    const deleteOps = this.db.prepare("DELETE FROM ops WHERE board = ? AND seq <= ?");
    const keepId = this.db.prepare("INSERT OR REPLACE INTO folded_ids (board, op_id, seq) VALUES (?, ?, ?)");
    const pruneIds = this.db.prepare("DELETE FROM folded_ids WHERE board = ? AND seq <= ?");
    const saveSnapshot = this.db.prepare<[number, string, number, number, number, string]>(
      "UPDATE boards SET snap_seq = ?, snapshot = ?, bytes = ?, tailw = ?, items = ? WHERE board = ?",
    );
    this.installTx = this.db.transaction((boardId: string, snapshot: StoredSnapshot): boolean => {
      const row = this.boardStmt.get(boardId);
      if (!row || snapshot.seq <= row.snap_seq || snapshot.seq > row.head) return false;
      const old = this.snapStmt.get(boardId)?.snapshot ?? null;
      let bytes = row.bytes - (old ? opBytes(old) : 0);
      let tailw = row.tailw;
      let items = row.items - (old ? (JSON.parse(old) as StoredSnapshot).items.length : 0);
      const folded = foldedOps.all(boardId, row.snap_seq, snapshot.seq);
      if (folded.length !== snapshot.seq - row.snap_seq) return false;
      for (const f of folded) {
        const op = JSON.parse(f.body) as BoardOp;
        bytes -= opBytes(f.body);
        tailw -= opWeight(op);
        if (op.type === "add") items--;
        keepId.run(boardId, f.op_id, f.seq);
      }
      const json = JSON.stringify(snapshot);
      bytes += opBytes(json);
      items += snapshot.items.length;
      deleteOps.run(boardId, snapshot.seq);
      pruneIds.run(boardId, row.head - (limits.resendWindowOps ?? RESEND_WINDOW_OPS));
      saveSnapshot.run(snapshot.seq, json, bytes, tailw, items, boardId);
      return true;
    });

    const deleteBoard = this.db.prepare("DELETE FROM boards WHERE board = ? AND touched < ?");
    const deleteAllOps = this.db.prepare("DELETE FROM ops WHERE board = ?");
    const deleteIds = this.db.prepare("DELETE FROM folded_ids WHERE board = ?");
    this.deleteTx = this.db.transaction((boardId: string, before: number): boolean => {
      if (deleteBoard.run(boardId, before).changes === 0) return false;
      deleteAllOps.run(boardId);
      deleteIds.run(boardId);
      return true;
    });
  }

  /** Adds the compaction and retention columns to a database made before them. */
  private migrate(): void {
    const columns = new Set(this.db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('boards')").all().map((c) => c.name));
    const add = (name: string, decl: string) => {
      if (!columns.has(name)) this.db.exec(`ALTER TABLE boards ADD COLUMN ${name} ${decl}`);
    };
    const fresh = !columns.has("bytes");
    add("bytes", "INTEGER NOT NULL DEFAULT 0");
    add("tailw", "INTEGER NOT NULL DEFAULT 0");
    add("snap_seq", "INTEGER NOT NULL DEFAULT 0");
    add("snapshot", "TEXT");
    add("touched", "INTEGER NOT NULL DEFAULT 0");
    this.db.exec("CREATE INDEX IF NOT EXISTS boards_by_touched ON boards (touched)");
    if (fresh) {
      // Boards stored before budgets: count their bytes and history once.
      this.db.exec(`UPDATE boards SET bytes = coalesce((SELECT sum(length(CAST(body AS BLOB))) FROM ops WHERE ops.board = boards.board), 0),
        tailw = head, touched = ${Date.now()}`);
    }
  }

  async append(boardId: string, input: AppendInput): Promise<AppendResult> {
    try {
      return this.appendTx(boardId, input);
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_FULL") throw new StorageFullError(err);
      throw err;
    }
  }

  async readSince(boardId: string, since: number, limit: number): Promise<SequencedOp[]> {
    return this.readStmt.all(boardId, since, limit).map(toSequenced);
  }

  async head(boardId: string): Promise<number> {
    return this.boardStmt.get(boardId)?.head ?? 0;
  }

  async state(boardId: string): Promise<BoardState> {
    return state(this.boardStmt.get(boardId) ?? EMPTY);
  }

  async snapshot(boardId: string): Promise<StoredSnapshot | null> {
    const json = this.snapStmt.get(boardId)?.snapshot;
    return json ? (JSON.parse(json) as StoredSnapshot) : null;
  }

  async installSnapshot(boardId: string, snapshot: StoredSnapshot): Promise<boolean> {
    return this.installTx(boardId, snapshot);
  }

  async touch(boardId: string, at: number): Promise<void> {
    this.touchStmt.run(at, boardId);
  }

  async idleBoards(before: number, limit: number): Promise<string[]> {
    return this.idleStmt.all(before, limit).map((r) => r.board);
  }

  async deleteIfIdle(boardId: string, before: number): Promise<boolean> {
    return this.deleteTx(boardId, before);
  }

  async totals(): Promise<StoreTotals> {
    const t = this.totalsStmt.get()!;
    return { boards: t.boards, bytes: t.bytes ?? 0, limitBytes: 0 };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function state(row: BoardRow): BoardState {
  return { head: row.head, snapshotSeq: row.snap_seq, bytes: row.bytes, tailWeight: row.tailw };
}

function toSequenced(row: OpRow): SequencedOp {
  return { seq: row.seq, author: row.author, at: row.at, op: JSON.parse(row.body) as BoardOp };
}

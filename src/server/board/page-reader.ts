/**
 * Reads a board's log one page at a time, each page bounded in operations AND
 * in serialised size, so no page a node sends (catch-up `ops`, a `sync` answer,
 * the SVG route's fold) is larger than its slow-client guard lets through, and
 * no read holds a large board in memory.
 *
 * Bounded above the store: the store is asked for small runs of ops (a few
 * first, more while they turn out small, never more than MAX_RUN at once), each
 * op measured as JSON on its own, and the page
 * ends before the op that would take it past the byte limit. A page always
 * holds at least one op: a single op is bounded by the payload limit, so
 * whatever a client could store, a client can load. At most READ_CONCURRENCY
 * reads run at once per node, each run of the store a slice taking its turn
 * (work-slices.ts).
 */
import { LIMITS, type SequencedOp, type SyncResult } from "../../shared/protocol.js";
import { rememberJsonLength } from "../../shared/json-length.js";
import type { BoardStore } from "../store/board-store.js";
import { Gate, turn } from "./work-slices.js";

export interface PageLimits {
  /** Ops per page. */
  maxOps: number;
  /** JSON characters per page (the `ops` array as written), past which the page ends. */
  maxBytes: number;
}

/** A page and what it weighs on the wire. */
export interface Page extends SyncResult {
  /** JSON length of `ops`. */
  bytes: number;
}

/**
 * Most ops asked of the store at once. With ops of up to LIMITS.maxPayloadBytes,
 * one run holds at most 32 × 256 KiB in memory, however the board mixes small and
 * large ops.
 */
const MAX_RUN = 32;
/** Page reads in flight per node; the others wait their turn. */
export const READ_CONCURRENCY = 4;

export class PageReader {
  private readonly gate = new Gate(READ_CONCURRENCY);
  /** Reads under way, by board and `since`: joiners in step share them (the log is append-only). */
  private readonly inFlight = new Map<string, Promise<Page>>();

  constructor(
    private readonly store: BoardStore,
    readonly limits: PageLimits,
  ) {}

  /** The page of ops after `since` (the same object for concurrent callers: do not change it). */
  read(boardId: string, since: number): Promise<Page> {
    const key = `${since}:${boardId}`;
    let page = this.inFlight.get(key);
    if (!page) {
      page = this.gate.run(() => this.readPage(boardId, since));
      this.inFlight.set(key, page);
      const done = () => this.inFlight.delete(key);
      page.then(done, done);
    }
    return page;
  }

  private async readPage(boardId: string, since: number): Promise<Page> {
    const { maxOps, maxBytes } = this.limits;
    const headRead = this.store.head(boardId);
    const ops: SequencedOp[] = [];
    // "[" and "]"; then each op and the comma before all but the first.
    let bytes = 2;
    let largest = 0;
    let run = Math.max(1, Math.min(maxOps, Math.floor(maxBytes / LIMITS.maxPayloadBytes)));
    let after = since;
    let full = false;
    while (!full && ops.length < maxOps) {
      // Every run of the store waits its turn (a run of large ops is a slice of its own).
      await turn();
      const asked = Math.min(run, maxOps - ops.length);
      const batch = await this.store.readSince(boardId, after, asked);
      for (const s of batch) {
        // One op's JSON at a time (V8's serialiser beats any walk in JS; an op is at most
        // LIMITS.maxPayloadBytes): the page as a whole is never built as a string.
        const size = JSON.stringify(s).length + (ops.length > 0 ? 1 : 0);
        if (ops.length > 0 && bytes + size > maxBytes) {
          full = true;
          break;
        }
        ops.push(s);
        bytes += size;
        largest = Math.max(largest, size);
        after = s.seq;
      }
      if (batch.length < asked) break; // the end of the log
      // Ask for more at a time while ops turn out small: at most twice the last run,
      // and no more than the rest of the page could hold at the largest size seen.
      run = Math.max(1, Math.min(MAX_RUN, 2 * run, Math.floor((maxBytes - bytes) / Math.max(1, largest))));
    }
    const head = await headRead;
    const last = ops.length ? ops[ops.length - 1].seq : since;
    rememberJsonLength(ops, bytes);
    return { ops, head: Math.max(head, last), more: last < head, bytes };
  }
}

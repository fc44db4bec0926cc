/**
 * A snapshot as it goes over the wire: pages of items, each about
 * SNAPSHOT_PAGE_BYTES of JSON (one item larger than that gets a page alone), so a
 * large board's snapshot never sits in a socket's buffer at once.
 */
import { toSnapshotItem } from "../../shared/board-model.js";
import type { SnapshotItem, SnapshotPage } from "../../shared/protocol.js";
import type { StoredSnapshot } from "../store/board-store.js";

export const SNAPSHOT_PAGE_BYTES = 256 * 1024;

export function* snapshotPages(snapshot: StoredSnapshot, pageBytes = SNAPSHOT_PAGE_BYTES): Generator<SnapshotPage> {
  let items: SnapshotItem[] = [];
  let bytes = 0;
  for (const s of snapshot.items) {
    // The wire form leaves out the store's bookkeeping (hiddenAt).
    const item: SnapshotItem = toSnapshotItem(s);
    const size = JSON.stringify(item).length;
    if (items.length > 0 && bytes + size > pageBytes) {
      yield { seq: snapshot.seq, opId: snapshot.opId, items, last: false };
      items = [];
      bytes = 0;
    }
    items.push(item);
    bytes += size;
  }
  yield { seq: snapshot.seq, opId: snapshot.opId, items, last: true };
}

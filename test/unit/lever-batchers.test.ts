/** The lever lab's alternatives to meshboard's draft path (bench/levers/batchers.ts). */
import { describe, expect, it } from "vitest";
import { FixedWindowBatcher, deliverPerDraft } from "../../bench/levers/batchers.js";
import type { DraftFlush } from "../../src/server/realtime/draft-batcher.js";
import { CONGESTED_ROOM } from "../../src/server/realtime/slow-clients.js";
import type { MeshServer, MeshSocket } from "../../src/server/realtime/types.js";
import type { PeerDraft } from "../../src/shared/protocol.js";
import { waitFor } from "../helpers/wait.js";

function draft(sessionId: string, from: number, points: number[]): PeerDraft {
  return { sessionId, itemId: `item-${sessionId}-1`, color: "#1e1e1e", width: 2, from, points };
}

describe("FixedWindowBatcher", () => {
  it("delivers a window's drafts together, merged, when its timer fires", async () => {
    const flushed: Array<DraftFlush<string>> = [];
    const batcher = new FixedWindowBatcher<string>({ flushMs: 20, deliver: (f) => flushed.push(f) });
    batcher.add("b1", draft("alice", 0, [1, 1]), "a");
    batcher.add("b1", draft("alice", 1, [2, 2]), "a");
    batcher.add("b2", draft("bob", 0, [5, 5]), "b");
    expect(flushed).toEqual([]);
    await waitFor(() => flushed.length === 2, { what: "the window's flush" });
    expect(flushed.map((f) => [f.boardId, f.drafts.map((d) => d.points)])).toEqual([
      ["b1", [[1, 1, 2, 2]]],
      ["b2", [[5, 5]]],
    ]);
  });
});

describe("deliverPerDraft", () => {
  it("sends each draft to the board but its sender and congested clients, as plain `draft`", () => {
    const emitted: Array<{ to: string; except: string[]; event: string; payload: unknown }> = [];
    const io = {
      to: (to: string) => ({
        except: (except: string | string[]) => ({
          emit: (event: string, payload: unknown) => emitted.push({ to, except: [except].flat(), event, payload }),
        }),
      }),
    } as unknown as MeshServer;
    const socket = (id: string) => ({ id }) as unknown as MeshSocket;
    const a1 = draft("alice", 0, [1, 1]);
    const b1 = draft("bob", 0, [5, 5]);
    deliverPerDraft(io, { boardId: "b1", drafts: [a1, b1], senders: new Map([["alice", socket("sa")], ["bob", socket("sb")]]) });
    expect(emitted).toEqual([
      { to: "board:b1", except: [CONGESTED_ROOM, "sa"], event: "draft", payload: a1 },
      { to: "board:b1", except: [CONGESTED_ROOM, "sb"], event: "draft", payload: b1 },
    ]);
  });
});

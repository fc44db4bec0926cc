/**
 * Boards for the doctor's test strokes. Without access control any board id
 * works, so they are named `doctor-<random>`. With it (ACCESS_SECRET), only a
 * signed link opens a board: `GET /` creates a board and redirects to its
 * editor link, which is how the doctor gets each of its boards and tokens.
 */
import { randomBytes } from "node:crypto";
import { BOARD_PATH_PREFIX, TOKEN_QUERY_PARAM, isValidBoardId } from "../../shared/constants.js";

export interface ScratchBoard {
  board: string;
  /** The editor token, when access control is on. */
  token?: string;
}

export interface ScratchBoards {
  /** True when the deployment hands out signed links (access control on). */
  signedLinks: boolean;
  next(): Promise<ScratchBoard>;
}

/** The board and token `GET /` redirects to, or null when its answer is not a board link. */
async function newBoardLink(base: URL, timeoutMs: number): Promise<ScratchBoard | null> {
  const res = await fetch(new URL("/", base), { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  const location = res.headers.get("location");
  if (res.status < 300 || res.status >= 400 || !location) return null;
  const url = new URL(location, base);
  const board = url.pathname.startsWith(BOARD_PATH_PREFIX) ? decodeURIComponent(url.pathname.slice(BOARD_PATH_PREFIX.length)) : "";
  if (!isValidBoardId(board)) return null;
  return { board, token: url.searchParams.get(TOKEN_QUERY_PARAM) ?? undefined };
}

export async function scratchBoards(base: URL, timeoutMs: number): Promise<ScratchBoards> {
  const first = await newBoardLink(base, timeoutMs).catch(() => null);
  if (first?.token) {
    let pending: ScratchBoard | undefined = first;
    return {
      signedLinks: true,
      async next() {
        const b = pending ?? (await newBoardLink(base, timeoutMs));
        pending = undefined;
        if (!b?.token) throw new Error("GET / stopped handing out signed board links");
        return b;
      },
    };
  }
  return { signedLinks: false, next: async () => ({ board: `doctor-${randomBytes(9).toString("base64url")}` }) };
}

/** Which board this page shows: the id in `/b/<id>`. */
import { BOARD_PATH_PREFIX, NEW_BOARD_ID_LENGTH, TOKEN_QUERY_PARAM, isValidBoardId } from "../shared/constants.js";
import { randomId } from "../shared/ids.js";

/**
 * Reads the board id from the path. A page opened anywhere else (e.g. the Vite dev
 * server at `/`) gets a fresh board, and the address bar is rewritten to its URL.
 */
export function resolveBoardId(loc: Location = location): string {
  const rest = loc.pathname.startsWith(BOARD_PATH_PREFIX) ? loc.pathname.slice(BOARD_PATH_PREFIX.length) : "";
  const candidate = safeDecode(rest.replace(/\/+$/, ""));
  if (isValidBoardId(candidate)) return candidate;
  const id = randomId(NEW_BOARD_ID_LENGTH);
  history.replaceState(null, "", boardUrl(id, loc));
  return id;
}

/**
 * The access token of the link this page was opened with (`?t=`), or undefined
 * when there is none (access control off). It stays in the address bar, so a
 * reload keeps working; it is sent in every handshake and asked for share links.
 */
export function readAccessToken(loc: Location = location): string | undefined {
  return new URLSearchParams(loc.search).get(TOKEN_QUERY_PARAM) || undefined;
}

/** The board's plain address (no token): the share link when access control is off. */
export function boardUrl(boardId: string, loc: Location = location): string {
  return `${loc.origin}${BOARD_PATH_PREFIX}${encodeURIComponent(boardId)}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return "";
  }
}

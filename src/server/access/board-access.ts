/**
 * Optional access control by signed links. With ACCESS_SECRET set, a board is
 * reached through a link whose token is HMAC-SHA256(secret, board id + role):
 * an editor link and a read-only link per board, no accounts, no stored state,
 * valid on every node that has the secret. Without it, anyone with a board's
 * address may edit it (the embedded single-node default).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { BOARD_PATH_PREFIX, TOKEN_QUERY_PARAM } from "../../shared/constants.js";

export type Role = "edit" | "view";
export const ROLES: readonly Role[] = ["edit", "view"];

/** Token: `<role>.<base64url MAC>`; the role is visible, the MAC makes it unforgeable. */
const MAC_BYTES = 32;
/** Domain separation: a MAC made for anything else never verifies as a board token. */
const CONTEXT = "meshboard/board-link/v1";

export class BoardAccess {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(secret, "utf8");
  }

  token(boardId: string, role: Role): string {
    return `${role}.${this.mac(boardId, role).toString("base64url")}`;
  }

  /** The role a token grants on a board, or null when it grants nothing. */
  roleOf(boardId: string, token: string | undefined): Role | null {
    if (typeof token !== "string") return null;
    const dot = token.indexOf(".");
    const role = token.slice(0, dot) as Role;
    if (dot < 0 || !ROLES.includes(role)) return null;
    const given = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = this.mac(boardId, role);
    // base64url decoding ignores junk characters, so compare the canonical form too.
    if (given.length !== MAC_BYTES || given.toString("base64url") !== token.slice(dot + 1)) return null;
    return timingSafeEqual(given, expected) ? role : null;
  }

  /** A board's page address with a token for `role` (relative: the node may not know its public origin). */
  link(boardId: string, role: Role): string {
    return `${BOARD_PATH_PREFIX}${boardId}?${TOKEN_QUERY_PARAM}=${this.token(boardId, role)}`;
  }

  private mac(boardId: string, role: Role): Buffer {
    return createHmac("sha256", this.key).update(`${CONTEXT}\n${boardId}\n${role}`).digest();
  }
}

/**
 * The handshake's access decision (Admission.readOnly): without access control
 * everyone edits; with it, the token decides, and no valid token is "forbidden".
 */
export function readOnlyDecision(access: BoardAccess | undefined) {
  return (boardId: string, token: string | undefined): boolean | "forbidden" => {
    if (!access) return false;
    const role = access.roleOf(boardId, token);
    return role === null ? "forbidden" : role === "view";
  };
}

/** Unguessable board ids for new boards. */
import { randomBytes } from "node:crypto";
import { NEW_BOARD_ID_LENGTH } from "../../shared/constants.js";

export function newBoardId(): string {
  // base64url: [A-Za-z0-9_-], 6 bits a character.
  return randomBytes(Math.ceil((NEW_BOARD_ID_LENGTH * 6) / 8)).toString("base64url").slice(0, NEW_BOARD_ID_LENGTH);
}

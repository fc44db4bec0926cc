/** The board page's entry point: it reads who and where, builds the page, then starts it. */
import { readAccessToken, resolveBoardId } from "./board-address.js";
import { BoardPage } from "./app/board-page.js";
import { loadClientId, loadName } from "./identity.js";

new BoardPage({ boardId: resolveBoardId(), token: readAccessToken(), clientId: loadClientId(), name: loadName() }).start();

/**
 * A client that joins a board over HTTP long-polling and then never polls again:
 * everything the server sends it piles up in the server's buffer for it, which is
 * exactly what a frozen tab, a dead laptop lid or a hostile peer look like.
 */
import { BOARD_QUERY_PARAM, SOCKET_PATH } from "../../src/shared/constants.js";
import { PROTOCOL_VERSION } from "../../src/shared/protocol.js";
import { newId } from "./board-client.js";

export class StuckPollingClient {
  private constructor(
    readonly url: string,
    readonly sid: string,
    /** What the one poll it made returned (connect, presence, welcome). */
    readonly firstPoll: string,
  ) {}

  static async open(base: string, boardId: string, name = "stuck"): Promise<StuckPollingClient> {
    const url = `${base}${SOCKET_PATH}?EIO=4&transport=polling&${BOARD_QUERY_PARAM}=${encodeURIComponent(boardId)}`;
    const open = await (await fetch(url)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const auth = { protocol: PROTOCOL_VERSION, clientId: newId(), lastSeq: 0, name };
    const posted = await fetch(`${url}&sid=${sid}`, { method: "POST", body: `40${JSON.stringify(auth)}` });
    if (posted.status !== 200) throw new Error(`connect refused: ${posted.status}`);
    let firstPoll = "";
    // Poll until the welcome arrives, then stop reading for good.
    for (let i = 0; i < 10 && !firstPoll.includes('"welcome"'); i++) firstPoll += await (await fetch(`${url}&sid=${sid}`)).text();
    if (!firstPoll.includes('"welcome"')) throw new Error(`no welcome: ${firstPoll.slice(0, 200)}`);
    return new StuckPollingClient(url, sid, firstPoll);
  }

  close(): void {
    // Nothing to close: the server has (or will have) dropped the session.
  }
}

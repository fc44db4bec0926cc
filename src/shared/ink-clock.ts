/**
 * The ink clock: live ink (drafts) moves on ticks of the server's clock.
 * Clients send what they drew since the previous tick at each multiple of the
 * period; the server flushes a board's drafts a little after it, so everything
 * drawn on a board during one period reaches each watcher as one message.
 * See docs/protocol.md ("Live ink").
 */

/** How a client learns the ink clock: sent in `welcome`. */
export interface InkClock {
  /** Milliseconds between ticks; ticks fall on multiples of it on the server's clock (ms since the epoch). */
  periodMs: number;
}

/** The first instant strictly after `now` that lies `phaseMs` past a multiple of `periodMs`. */
export function nextTick(now: number, periodMs: number, phaseMs = 0): number {
  return Math.floor((now - phaseMs) / periodMs) * periodMs + periodMs + phaseMs;
}

/**
 * The server clock's lead over the local one, from one request/answer round trip:
 * the answer was stamped, on average, halfway between sending and receiving.
 */
export function clockOffset(sentAt: number, serverNow: number, receivedAt: number): number {
  return serverNow - (sentAt + receivedAt) / 2;
}

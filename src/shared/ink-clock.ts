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
 * What one request/answer round trip says of the server's clock: its lead over
 * the local one (the answer was stamped, on average, halfway between sending and
 * receiving), and how long a message takes to get there (half the round trip).
 */
export function readClock(sentAt: number, serverNow: number, receivedAt: number): { offsetMs: number; tripMs: number } {
  return { offsetMs: serverNow - (sentAt + receivedAt) / 2, tripMs: Math.max(0, (receivedAt - sentAt) / 2) };
}

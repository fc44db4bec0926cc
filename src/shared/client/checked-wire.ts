/**
 * A wire that checks what the server sends against the protocol's schemas before
 * the session sees it. The checks are injected (`checkServerPayload` and
 * `checkServerAck` from protocol.ts) so that the production browser bundle, which
 * must not carry the schema library, never imports them: tests and development
 * builds wrap their wire with this; production does not.
 */
import type { BoardWire, WireFactory } from "./wire.js";

export interface PayloadChecks {
  /** null when the payload is what the protocol says, else the problem in one sentence. */
  payload(event: string, payload: unknown): string | null;
  ack(event: string, answer: unknown): string | null;
  /** Told of every mismatch (the payload is still delivered: a check never changes behaviour). */
  report(problem: string): void;
}

/** Events of the connection itself, not the server's protocol. */
const CONNECTION_EVENTS = new Set(["connect_error", "disconnect", "reconnect_attempt"]);

export function checkedWire(factory: WireFactory, checks: PayloadChecks): WireFactory {
  return (auth) => {
    const wire = factory(auth);
    const checked: BoardWire = {
      get connected() {
        return wire.connected;
      },
      get active() {
        return wire.active;
      },
      on(event, fn) {
        if (CONNECTION_EVENTS.has(event)) return wire.on(event, fn);
        wire.on(event, ((payload: unknown) => {
          const problem = checks.payload(event, payload);
          if (problem) checks.report(`server event "${event}": ${problem}`);
          (fn as (p: unknown) => void)(payload);
        }));
      },
      send: (event, payload, volatile) => wire.send(event, payload, volatile),
      call(event, payload, timeoutMs, done) {
        wire.call(event, payload, timeoutMs, (err, ack) => {
          if (!err) {
            const problem = checks.ack(event, ack);
            if (problem) checks.report(`answer to "${event}": ${problem}`);
          }
          done(err, ack);
        });
      },
      ...(wire.reconnect && { reconnect: () => wire.reconnect!() }),
      close: () => wire.close(),
    };
    return checked;
  };
}

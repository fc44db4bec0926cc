/**
 * A fake connection for unit tests of the headless client (src/shared/client):
 * it stands where the Socket.IO socket stands (BoardWire), records what the
 * client sends, and lets the test play the server: deliver events, answer
 * calls, drop and restore the connection.
 */
import type { HandshakeAuth, Welcome } from "../../src/shared/protocol.js";
import { LIMITS, PROTOCOL_VERSION } from "../../src/shared/protocol-constants.js";
import type { AckOf, BoardWire, CallEvent, Payload, SendEvent, WireEvents, WireFactory } from "../../src/shared/client/wire.js";

export interface FakeCall<E extends CallEvent = CallEvent> {
  event: E;
  payload: Payload<E>;
  answered: boolean;
  answer(ack: AckOf<E>): void;
  /** As Socket.IO's ack timeout does. */
  timeOut(): void;
}

export class FakeWire implements BoardWire {
  connected = false;
  active = true;
  /** Every handshake the client made (one per connect). */
  readonly handshakes: HandshakeAuth[] = [];
  readonly calls: FakeCall[] = [];
  readonly sent: Array<{ event: SendEvent; payload: unknown; volatile: boolean }> = [];
  private readonly listeners = new Map<string, Array<(v: unknown) => void>>();
  private sessions = 0;

  constructor(private readonly auth: () => HandshakeAuth) {}

  /** A factory to give the session; `wires` collects what it made. */
  static factory(wires: FakeWire[] = []): WireFactory & { wires: FakeWire[] } {
    const f = ((auth: () => HandshakeAuth) => {
      const w = new FakeWire(auth);
      wires.push(w);
      return w;
    }) as unknown as WireFactory & { wires: FakeWire[] };
    f.wires = wires;
    return f;
  }

  on<E extends keyof WireEvents>(event: E, fn: WireEvents[E]): void {
    const list = this.listeners.get(event) ?? [];
    list.push(fn as (v: unknown) => void);
    this.listeners.set(event, list);
  }

  send<E extends SendEvent>(event: E, payload: Payload<E>, volatile = false): void {
    if (!this.connected && volatile) return;
    this.sent.push({ event, payload, volatile });
  }

  call<E extends CallEvent>(event: E, payload: Payload<E>, _timeoutMs: number, done: (err: Error | null, ack?: AckOf<E>) => void): void {
    const call: FakeCall<E> = {
      event,
      payload,
      answered: false,
      answer: (ack) => {
        if (call.answered) return;
        call.answered = true;
        done(null, ack);
      },
      timeOut: () => {
        if (call.answered) return;
        call.answered = true;
        done(new Error("operation has timed out"));
      },
    };
    this.calls.push(call);
    // A disconnected socket buffers the emit; the fake drops it, as the real one's timeout would.
  }

  close(): void {
    this.connected = false;
    this.active = false;
  }

  /** Plays the server's event. */
  deliver<E extends keyof WireEvents>(event: E, ...args: Parameters<WireEvents[E]>): void {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: a generic listener does not spread `args`
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }

  /**
   * Connects and welcomes the client (the server's part of the handshake).
   * `beforeWelcome` plays what the node sends between the two (live traffic on
   * the board's room, which the socket joins first).
   */
  connect(welcome: Partial<Welcome> = {}, beforeWelcome?: () => void): Welcome {
    const auth = this.open();
    beforeWelcome?.();
    const w: Welcome = {
      protocol: PROTOCOL_VERSION,
      boardId: "board-1",
      node: "node-a",
      sessionId: `session-${++this.sessions}`,
      head: auth.lastSeq ?? 0,
      from: auth.lastSeq ?? 0,
      readOnly: false,
      limits: LIMITS,
      ink: { periodMs: 50 },
      ...welcome,
    };
    this.deliver("welcome", w);
    return w;
  }

  /** The handshake alone: connected, no welcome yet (`connect` welcomes too). */
  open(): HandshakeAuth {
    const auth = this.auth();
    this.handshakes.push(auth);
    this.connected = true;
    return auth;
  }

  /** The connection drops (Socket.IO will reconnect). */
  drop(reason = "transport close"): void {
    this.connected = false;
    this.deliver("disconnect", reason);
  }

  /** Op calls not yet answered, oldest first. */
  openOps(): FakeCall<"op">[] {
    return this.calls.filter((c): c is FakeCall<"op"> => c.event === "op" && !c.answered);
  }

  opIds(): string[] {
    return this.calls.filter((c) => c.event === "op").map((c) => (c.payload as { opId: string }).opId);
  }
}

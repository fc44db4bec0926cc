/// <reference types="vite/client" />
/**
 * In development builds (`vite dev`), everything the server sends is checked
 * against the protocol's schemas and a mismatch is logged to the console. The
 * schema library loads on demand and only there: production builds drop this
 * code (import.meta.env.DEV is false), so the bundle stays free of it.
 */
import type { PayloadChecks } from "../../shared/client/checked-wire.js";

type Protocol = typeof import("../../shared/protocol.js");

export function devPayloadChecks(): PayloadChecks | undefined {
  if (!import.meta.env.DEV) return undefined;
  let protocol: Protocol | undefined;
  void import("../../shared/protocol.js").then((m) => (protocol = m));
  return {
    payload: (event, payload) => protocol?.checkServerPayload(event, payload) ?? null,
    ack: (event, answer) => protocol?.checkServerAck(event, answer) ?? null,
    report: (problem) => console.error(`meshboard protocol: ${problem}`),
  };
}

/**
 * Bad input on every inbound path: Socket.IO events (schema-level properties over
 * thousands of generated payloads, then generated events over a real socket), raw
 * Engine.IO/Socket.IO frames, HTTP routes and raw HTTP bytes, oversized payloads
 * and boards, and floods. The server must not crash, must not store anything the
 * schema refuses, and nobody else may notice.
 */
import { connect as netConnect } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOARD_QUERY_PARAM, SOCKET_PATH, boardLinksPath } from "../../src/shared/constants.js";
import { BoardModel } from "../../src/shared/board-model.js";
import { ERROR_CODES, LIMITS, boardOpSchema, clientEventSchemas, type BoardOp, type OpAck } from "../../src/shared/protocol.js";
import { hostileValueArb, nearlyValid, numbersIn, opArb, opProblems, pollutionKeysIn, validPayloads } from "../helpers/arbitraries.js";
import { BoardClient, connect, newId, strokeOp } from "../helpers/board-client.js";
import { RawSocket } from "../helpers/raw-socket.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const EVENTS = Object.keys(clientEventSchemas) as Array<keyof typeof clientEventSchemas>;
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

function measured(scenario: string, values: Record<string, unknown>): void {
  console.log(`measured: ${scenario} ${JSON.stringify(values)}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
}

/** What the server sees of a payload: Socket.IO's JSON encoding of it. */
const onTheWire = (v: unknown): unknown => (JSON.parse(JSON.stringify([v])) as unknown[])[0];

describe("schemas, for every client event (thousands of generated payloads)", () => {
  it.each(EVENTS)("%s: any value at all is parsed without throwing, and what passes is clean", (event) => {
    const schema = clientEventSchemas[event];
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 4 }), hostileValueArb, nearlyValid(validPayloads[event] as fc.Arbitrary<unknown>)), (payload) => {
        const r = schema.safeParse(payload);
        if (!r.success) return;
        expect(pollutionKeysIn(r.data)).toEqual([]);
        for (const n of numbersIn(r.data)) expect(Number.isFinite(n)).toBe(true);
        // What passes survives the wire unchanged and passes again.
        expect(JSON.stringify(schema.parse(onTheWire(r.data)))).toBe(JSON.stringify(r.data));
        if (event === "op") expect(opProblems(r.data as BoardOp)).toEqual([]);
      }),
      { numRuns: 3_000 },
    );
  });

  it.each(EVENTS)("%s: every valid payload is accepted", (event) => {
    fc.assert(
      fc.property(validPayloads[event] as fc.Arbitrary<unknown>, (payload) => {
        expect(clientEventSchemas[event].safeParse(onTheWire(payload)).success).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it("refuses non-finite and out-of-range coordinates wherever they appear", () => {
    const bad = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, LIMITS.maxCoordinate * 1.000001, -LIMITS.maxCoordinate - 1);
    fc.assert(
      fc.property(opArb, bad, fc.nat(), (op, value, pick) => {
        if (op.type !== "add") return;
        const item = structuredClone(op.item) as Record<string, unknown>;
        const fields = item.kind === "stroke" ? ["points"] : item.kind === "shape" ? ["x1", "y1", "x2", "y2"] : ["x", "y"];
        const field = fields[pick % fields.length];
        if (field === "points") (item.points as number[])[pick % (item.points as number[]).length] = value;
        else item[field] = value;
        expect(boardOpSchema.safeParse({ ...op, item }).success).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it("left Object.prototype as it was", () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("over a real socket", () => {
  let server: ServerProcess;
  const clients: BoardClient[] = [];
  const join = async (url: string, board: string, opts?: ConstructorParameters<typeof BoardClient>[2]) => {
    const c = await connect(url, board, opts);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    server = await startServer({ env: { RATE_LIMITS: "off", MAX_CONNECTIONS_PER_IP: "off", LOG_LEVEL: "warn" } });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  /** Another board drawing all along: every ack must come back ok, and quickly. */
  function bystander(url: string, board: string, opts?: ConstructorParameters<typeof BoardClient>[2]) {
    const latencies: number[] = [];
    const failures: unknown[] = [];
    let on = true;
    const done = (async () => {
      const c = await join(url, board, opts);
      while (on) {
        const t0 = performance.now();
        const ack = await c.submit(strokeOp(), 5_000).catch((e: Error) => ({ ok: false, error: e.message }));
        latencies.push(performance.now() - t0);
        if (!ack.ok) failures.push(ack);
        await new Promise((r) => setTimeout(r, 20));
      }
      return c;
    })();
    return {
      latencies,
      failures,
      stop: async () => {
        on = false;
        return done;
      },
    };
  }

  it("takes generated events of every kind: stores exactly what the schema accepts, answers the rest, stays up", async () => {
    const board = newId();
    const fuzzer = await join(server.url, board, { transports: ["websocket"] });
    const watcher = await join(server.url, board);
    const other = bystander(server.url, newId());
    const accepted = new Map<number, BoardOp>();
    const errorCodes = new Set<string>();
    const names = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...EVENTS) },
      { weight: 1, arbitrary: fc.constantFrom("constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "explode", "ops", "welcome") },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }).filter((s) => !["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"].includes(s)) },
    );
    const eventArb = names.chain((name) => {
      const valid = Object.hasOwn(validPayloads, name) ? (validPayloads as Record<string, fc.Arbitrary<unknown>>)[name] : undefined;
      const payload = valid ? fc.oneof(valid, nearlyValid(valid), hostileValueArb) : fc.oneof(fc.anything({ maxDepth: 3 }), hostileValueArb);
      return fc.record({ name: fc.constant(name), payload });
    });
    const raw = fuzzer.socket as unknown as {
      emit(ev: string, ...args: unknown[]): void;
      timeout(ms: number): { emitWithAck(ev: string, ...args: unknown[]): Promise<unknown> };
    };

    await fc.assert(
      fc.asyncProperty(eventArb, async ({ name, payload }) => {
        if (name !== "op" && name !== "sync") return void raw.emit(name, payload);
        const answer = await raw.timeout(5_000).emitWithAck(name, payload);
        if (name === "sync") return;
        const ack = answer as OpAck;
        // The server decides exactly as the schema does on what it received.
        const expected = boardOpSchema.safeParse(onTheWire(payload));
        expect(ack.ok, JSON.stringify(payload)?.slice(0, 300)).toBe(expected.success);
        if (ack.ok && !ack.duplicate) accepted.set(ack.seq, expected.data!);
        if (!ack.ok) {
          expect(ERROR_CODES).toContain(ack.error.code);
          errorCodes.add(ack.error.code);
        }
      }),
      { numRuns: 800 },
    );

    const c = await other.stop();
    expect(fuzzer.socket.connected).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // A fresh reader sees exactly the accepted ops, folded in order, and nothing polluted.
    const head = Math.max(0, ...accepted.keys());
    await watcher.waitForHead(head);
    const reader = await join(server.url, board);
    const expected = new BoardModel();
    for (const seq of [...accepted.keys()].sort((a, b) => a - b)) expected.apply({ seq, op: accepted.get(seq)!, author: "", at: 0 });
    expect(reader.model.head).toBe(head);
    expect(reader.model.visibleItems()).toEqual(expected.visibleItems());
    expect(watcher.model.visibleItems()).toEqual(expected.visibleItems());
    for (const s of reader.received) expect(pollutionKeysIn(s.op)).toEqual([]);
    for (const e of [...fuzzer.errors, ...watcher.errors]) expect(ERROR_CODES).toContain(e.code);
    expect(watcher.errors).toEqual([]);
    // The other board never noticed.
    expect(other.failures).toEqual([]);
    // A gross-stall bound only (this box runs other test files meanwhile); the numbers go to docs.
    expect(percentile(other.latencies, 0.9)).toBeLessThan(1_000);
    measured("fuzz-socket", {
      events: 800,
      opsAccepted: accepted.size,
      errorCodes: [...errorCodes].sort(),
      errorEvents: fuzzer.errors.length,
      otherBoardAckMs: { p50: Math.round(percentile(other.latencies, 0.5)), p99: Math.round(percentile(other.latencies, 0.99)), n: other.latencies.length },
    });
    c.close();
  });

  it("answers unknown events, Object.prototype names included, with unknown_event", async () => {
    const c = await join(server.url, newId());
    const names = ["explode", "constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];
    for (const n of names) (c.socket as unknown as { emit(ev: string, p: unknown): void }).emit(n, { x: 1 });
    await waitFor(() => c.errors.length >= names.length, { what: "an error per unknown event" });
    expect(c.errors.map((e) => e.code)).toEqual(names.map(() => "unknown_event"));
  });

  it("refuses non-JSON numbers (1e999 is Infinity once parsed) and out-of-range coordinates in raw frames", async () => {
    const board = newId();
    const raw = await RawSocket.open(server.url, board);
    const stroke = (points: string) =>
      `["op",{"type":"add","opId":"${newId()}","item":{"kind":"stroke","id":"${newId()}","color":"#000000","width":2,"points":${points}}}]`;
    const answers = [];
    let id = 1;
    for (const points of ["[1e999,0]", "[-1e999,0]", "[0,1000000.5]", "[0,-1000001]", "[null,0]", '["1",2]', "[1,2,3]", "[]"]) {
      answers.push(await raw.emitWithAck(id++, stroke(points)));
    }
    for (const a of answers) expect(a).toMatchObject({ ok: false, error: { code: "invalid_payload", event: "op" } });
    expect(await raw.emitWithAck(id++, stroke("[0,1000000,-1000000,0]"))).toMatchObject({ ok: true, seq: 1 });
    raw.close();
  });

  it("strips prototype-pollution keys: stored ops and relayed drafts never carry them", async () => {
    const board = newId();
    const raw = await RawSocket.open(server.url, board);
    const watcher = await join(server.url, board);
    const itemId = newId();
    const op = `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"type":"add","opId":"${newId()}",` +
      `"item":{"__proto__":{"kind":"text"},"kind":"stroke","id":"${itemId}","color":"#112233","width":3,"points":[1,2,3,4],"prototype":1}}`;
    expect(await raw.emitWithAck(1, `["op",${op}]`)).toMatchObject({ ok: true, seq: 1 });
    raw.send(`42["draft",{"__proto__":{"sessionId":"forged"},"itemId":"${newId()}","color":"#000000","width":2,"from":0,"points":[5,5]}]`);
    await watcher.waitForHead(1);
    await waitFor(() => watcher.drafts.length === 1, { what: "draft relayed" });
    const reader = await join(server.url, board);
    expect(reader.received[0].op).toEqual({ type: "add", opId: expect.any(String), item: { kind: "stroke", id: itemId, color: "#112233", width: 3, points: [1, 2, 3, 4] } });
    expect(pollutionKeysIn(reader.received[0].op)).toEqual([]);
    expect(pollutionKeysIn(watcher.drafts[0])).toEqual([]);
    expect(watcher.drafts[0].sessionId).not.toBe("forged");
    raw.close();
  });

  it("survives generated raw Engine.IO/Socket.IO frames, and the board is only what valid ops made it", async () => {
    const board = newId();
    const good = await join(server.url, board);
    let raw = await RawSocket.open(server.url, board);
    const outcomes = { alive: 0, closed: 0, silent: 0 };
    let probeId = 100_000;
    const frameArb = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.tuple(fc.constantFrom("0", "1", "2", "3", "5", "6", "40", "41", "42", "43", "44", "45", "46", "451-", "4"), fc.string({ maxLength: 100 })).map(([p, s]) => p + s),
      fc.json().map((j) => `42${j}`),
      fc.tuple(fc.nat(999), fc.json()).map(([id, j]) => `42${id}${j}`),
      fc.tuple(fc.constantFrom(...EVENTS), fc.json()).map(([e, j]) => `42["${e}",${j}]`),
      fc.constantFrom("42" + "[".repeat(50_000), "42[\"op\"," + "{\"a\":".repeat(10_000), '42["op",{"type":"clear"}]', '421["sync",{"since":-1}]', "4" + "9".repeat(400)),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(frameArb, async (frame) => {
        raw.send(frame);
        // Each frame is followed by a probe, so the next one meets a session in a known state.
        const outcome = await raw.probe(probeId++);
        outcomes[outcome]++;
        if (outcome !== "alive") {
          raw.close();
          raw = await RawSocket.open(server.url, board);
        }
      }),
      { numRuns: 600 },
    );
    raw.close();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    // No generated frame was a valid op with an ack: the board holds only the good client's stroke.
    expect(await good.submit(strokeOp())).toMatchObject({ ok: true, seq: 1 });
    const reader = await join(server.url, board);
    expect(reader.model.head).toBe(1);
    // The server closed the session on garbage, and kept it for what it could parse.
    expect(outcomes.closed).toBeGreaterThan(50);
    expect(outcomes.alive).toBeGreaterThan(50);
    measured("fuzz-raw-frames", { frames: 600, sessionsAfterFrame: outcomes });
  });

  it("survives generated polling requests: junk bodies are refused with 4xx, never 5xx", async () => {
    const base = `${server.url}${SOCKET_PATH}?EIO=4&transport=polling&${BOARD_QUERY_PARAM}=${newId()}`;
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.json().map((j) => `42${j}`), fc.json().map((j) => `4${j}`), fc.constant('40{}\u001e42["op"]')), async (body) => {
        // A fresh, connected session each time, so every body meets the parser in the same state.
        const sid = (JSON.parse((await (await fetch(base)).text()).slice(1)) as { sid: string }).sid;
        const post = (b: string) => fetch(`${base}&sid=${sid}`, { method: "POST", body: b, headers: { "content-type": "text/plain;charset=UTF-8" } });
        await (await post(`40${JSON.stringify({ protocol: 1, clientId: newId() })}`)).text();
        for (const r of [await post(body), await post('421["sync",{"since":0}]')]) {
          count(r.status);
          expect(r.status).toBeLessThan(500);
          await r.arrayBuffer();
        }
      }),
      { numRuns: 300 },
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Garbage closed sessions (later requests: 400 "Session ID unknown"); the rest were taken.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    measured("fuzz-polling", { requests: 600, statuses: Object.fromEntries(statuses) });
  });

  it("answers generated HTTP requests on every route without a 5xx, and never echoes markup", async () => {
    const segment = fc.string({ maxLength: 80, unit: fc.oneof(fc.constantFrom("<", ">", "\"", "'", "%", "/", ".", "?", "#", "&", "=", "\\", " "), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })) });
    const target = fc.oneof(
      segment.map((s) => `/${s}`),
      segment.map((s) => `/b/${s}`),
      segment.map((s) => `/b/${s}.svg`),
      fc.tuple(segment, segment).map(([id, t]) => `${boardLinksPath(id)}?t=${t}`),
      fc.tuple(segment, segment).map(([id, t]) => `/b/${id}?t=${t}&board=${t}`),
      segment.map((s) => `/assets/${s}`),
      segment.map((s) => `/socket.io/?EIO=${s}&transport=${s}`),
    );
    const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(target, method, fc.string({ maxLength: 200 }), async (t, m, body) => {
        let url: URL;
        try {
          url = new URL(`${server.url}${t}`);
        } catch {
          return;
        }
        const r = await fetch(url, { method: m, body: m === "GET" || m === "HEAD" ? undefined : body, redirect: "manual" });
        const text = await r.text();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect(r.status, `${m} ${url.pathname}${url.search}`).toBeLessThan(500);
        if ((r.headers.get("content-type") ?? "").includes("html") && /<script|<img|onerror/i.test(decodeURIComponent(url.pathname).replace(/[^<>a-z]/gi, ""))) {
          expect(text).not.toMatch(/<img|onerror|<script>alert/i);
        }
      }),
      { numRuns: 1_000 },
    );
    measured("fuzz-http", { requests: 1_000, statuses: Object.fromEntries([...statuses].sort()) });
  });

  it("answers malformed raw HTTP with 400 or a closed connection, and stays up", async () => {
    const { port } = new URL(server.url);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ maxLength: 300 }).map((s) => `GET /${s} HTTP/1.1\r\nHost: x\r\n\r\n`), fc.string({ maxLength: 100 }).map((s) => `GET / HTTP/1.1\r\n${s}: ${s}\r\n\r\n`)), async (bytes) => {
        const answer = await new Promise<string>((resolve) => {
          const sock = netConnect(Number(port), "127.0.0.1", () => sock.end(bytes.endsWith("\r\n\r\n") ? bytes : `${bytes}\r\n\r\n`));
          let got = "";
          sock.on("data", (d) => (got += d.toString("latin1")));
          sock.on("close", () => resolve(got));
          sock.on("error", () => resolve(got));
          sock.setTimeout(2_000, () => sock.destroy());
        });
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
        if (status) expect(Number(status), answer.slice(0, 200)).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("drops a connection that sends a packet over the payload cap, and nobody else notices", async () => {
    const board = newId();
    const big = await join(server.url, board, { transports: ["websocket"] });
    const other = await join(server.url, board);
    const reasons: string[] = [];
    big.socket.on("disconnect", (r) => reasons.push(r));
    big.socket.emit("draft", { itemId: newId(), color: "#000000", width: 2, from: 0, points: [], t: 0, pad: "x".repeat(LIMITS.maxPayloadBytes + 1024) } as never);
    await waitFor(() => reasons.length > 0, { what: "oversized sender disconnected" });
    expect(reasons[0]).toMatch(/transport (close|error)/);
    expect(await other.submit(strokeOp())).toMatchObject({ ok: true });
    // Over long-polling the same cap answers 413.
    const base = `${server.url}${SOCKET_PATH}?EIO=4&transport=polling&${BOARD_QUERY_PARAM}=${board}`;
    const sid = (JSON.parse((await (await fetch(base)).text()).slice(1)) as { sid: string }).sid;
    const r = await fetch(`${base}&sid=${sid}`, { method: "POST", body: `42["draft","${"x".repeat(LIMITS.maxPayloadBytes + 1024)}"]` });
    expect(r.status).toBe(413);
    // The oversized sender reconnects by itself and is served again.
    await waitFor(() => big.socket.connected, { what: "reconnected" });
    await big.waitForHead(1);
  });

  it("refuses adds to a full board with board_full, still takes other ops, and other boards are unaffected", async () => {
    const board = newId();
    const c = await join(server.url, board);
    const first = strokeOp();
    expect(await c.submit(first)).toMatchObject({ ok: true, seq: 1 });
    // Fill the board's item count up to the limit directly in the store (20,000 real adds would take a while).
    const db = new Database(path.join(server.dataDir, "meshboard.sqlite"));
    db.pragma("busy_timeout = 5000");
    db.prepare("UPDATE boards SET items = ? WHERE board = ?").run(LIMITS.maxItemsPerBoard - 1, board);
    db.close();
    expect(await c.submit(strokeOp())).toMatchObject({ ok: true, seq: 2 });
    expect(await c.submit(strokeOp())).toMatchObject({ ok: false, error: { code: "board_full", event: "op" } });
    expect(await c.submit({ type: "remove", opId: newId(), itemIds: [first.item.id] })).toMatchObject({ ok: true, seq: 3 });
    const elsewhere = await join(server.url, newId());
    expect(await elsewhere.submit(strokeOp())).toMatchObject({ ok: true, seq: 1 });
  });
});

describe("rate and connection limits", () => {
  let limited: ServerProcess;
  let untrusting: ServerProcess;
  const clients: BoardClient[] = [];
  const from = (ip: string) => ({ extraHeaders: { "x-forwarded-for": ip } });
  const join = async (url: string, board: string, opts?: ConstructorParameters<typeof BoardClient>[2]) => {
    const c = await connect(url, board, opts);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    [limited, untrusting] = await Promise.all([
      startServer({
        env: {
          TRUST_PROXY: "true",
          // Slow refill (1 a second), so bursts decide and the machine's speed does not.
          RATE_OP: "1/30",
          RATE_IP_OP: "1/40",
          RATE_LIVE: "50/100",
          RATE_IP_LIVE: "1000/2000",
          RATE_FLOOD: "300/1000",
          MAX_CONNECTIONS_PER_IP: "3",
          RATE_IP_HTTP: "5/10",
          LOG_LEVEL: "warn",
        },
      }),
      startServer({ env: { MAX_CONNECTIONS_PER_IP: "3", LOG_LEVEL: "warn" } }),
    ]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([limited?.stop(), untrusting?.stop()]);
  });

  it("answers a flood with one rate_limited notice a second, then disconnects it; another board's ink stays quick", async () => {
    const flooder = await join(limited.url, newId(), { ...from("10.1.0.1"), transports: ["websocket"], reconnection: false });
    const watcherBoard = newId();
    const drawer = await join(limited.url, watcherBoard, { ...from("10.2.0.1"), transports: ["websocket"] });
    const watcher = await join(limited.url, watcherBoard, { ...from("10.2.0.2"), transports: ["websocket"] });
    const latencies: number[] = [];
    watcher.socket.on("draft", (d) => latencies.push(Date.now() - (d.t ?? Date.now())));
    const ticker = setInterval(() => drawer.socket.emit("draft", { itemId: newId(), color: "#000000", width: 2, from: 0, points: [1, 1], t: Date.now() }), 25);
    const reasons: string[] = [];
    flooder.socket.on("disconnect", (r) => reasons.push(r));
    const t0 = performance.now();
    for (let i = 0; i < 5_000 && flooder.socket.connected; i++) {
      flooder.socket.emit("cursor", { x: i, y: i });
      // Yield now and then: the watcher measuring latency lives in this process too.
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => reasons.length > 0, { what: "flooder disconnected" });
    const floodMs = Math.round(performance.now() - t0);
    // The other board's live ink keeps flowing after the flood: a few more samples arrive.
    const sampled = latencies.length;
    await waitFor(() => latencies.length >= Math.max(sampled + 3, 6), { what: "live ink after the flood" });
    clearInterval(ticker);
    expect(reasons).toEqual(["io server disconnect"]);
    const limitedNotices = flooder.errors.filter((e) => e.code === "rate_limited");
    // Notices are throttled (one a second, plus the final one), not one per refused event.
    expect(limitedNotices.length).toBeGreaterThanOrEqual(1);
    expect(limitedNotices.length).toBeLessThanOrEqual(Math.ceil(floodMs / 1000) + 2);
    expect(latencies.length).toBeGreaterThan(5);
    expect(percentile(latencies, 0.9)).toBeLessThan(1_000);
    expect(drawer.errors).toEqual([]);
    measured("flood", { floodMs, notices: limitedNotices.length, otherBoardDraftLatencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), n: latencies.length } });
  });

  it("shares one budget among an address's sockets, and another address keeps its own", async () => {
    const board = newId();
    const sameAddress = await Promise.all([1, 2].map(() => join(limited.url, board, from("10.3.0.1"))));
    const elsewhere = await join(limited.url, board, from("10.3.0.2"));
    // 2 × 25 ops: under each socket's burst (30), over the address's (40).
    const acks = await Promise.all(sameAddress.flatMap((c) => Array.from({ length: 25 }, () => c.submit(strokeOp()))));
    const refused = acks.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThanOrEqual(50 - 40 - 3);
    for (const a of refused) expect(a).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    const own = await Promise.all(Array.from({ length: 25 }, () => elsewhere.submit(strokeOp())));
    expect(own.every((a) => a.ok)).toBe(true);
    // A single socket past its own burst is limited too.
    const single = await join(limited.url, newId(), from("10.3.0.3"));
    const burst = await Promise.all(Array.from({ length: 35 }, () => single.submit(strokeOp())));
    expect(burst.filter((a) => !a.ok).length).toBeGreaterThanOrEqual(35 - 30 - 3);
  });

  it("limits connections per address with a clear refusal, counting X-Forwarded-For only when TRUST_PROXY says so", async () => {
    const handshake = (url: string, ip: string) =>
      fetch(`${url}${SOCKET_PATH}?EIO=4&transport=polling&${BOARD_QUERY_PARAM}=${newId()}`, { headers: { "x-forwarded-for": ip } });
    const three = await Promise.all([1, 2, 3].map(() => join(limited.url, newId(), { ...from("10.4.0.1"), transports: ["websocket"] })));
    const refused = await handshake(limited.url, "10.4.0.1");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: "too many connections from your address" });
    expect((await handshake(limited.url, "10.4.0.2")).status).toBe(200);
    three[0].close();
    await waitFor(async () => (await handshake(limited.url, "10.4.0.1")).status === 200, { what: "a slot freed" });

    // Without TRUST_PROXY the header is ignored: forged addresses share the real one.
    await Promise.all(["10.5.0.1", "10.5.0.2", "10.5.0.3"].map((ip) => join(untrusting.url, newId(), { ...from(ip), transports: ["websocket"] })));
    expect((await handshake(untrusting.url, "10.5.0.4")).status).toBe(403);
  });

  it("limits HTTP requests per address with 429 and Retry-After, never the probes", async () => {
    const get = (p: string, ip: string) => fetch(`${limited.url}${p}`, { headers: { "x-forwarded-for": ip } });
    const statuses = await Promise.all(Array.from({ length: 30 }, () => get(`/b/${newId()}`, "10.6.0.1").then((r) => [r.status, r.headers.get("retry-after")] as const)));
    expect(statuses.filter(([s]) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect(statuses.find(([s]) => s === 429)?.[1]).toBe("1");
    expect((await get("/healthz", "10.6.0.1")).status).toBe(200);
    expect((await get("/readyz", "10.6.0.1")).status).toBe(200);
    expect((await get(`/b/${newId()}`, "10.6.0.2")).status).toBe(200);
  });
});

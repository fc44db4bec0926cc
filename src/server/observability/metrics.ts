/**
 * The node's Prometheus instruments: one registry per node, every series
 * labelled node=NODE_ID and named meshboard_*. Per-message counts are plain
 * number increments (prom-client hashes the label set on every inc()); the
 * registry reads them at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import {
  ERROR_CODES,
  PROTOCOL_VERSION,
  boardOpSchema,
  clientEventSchemas,
  type ErrorCode,
  type OpType,
  type SequencedOp,
} from "../../shared/protocol.js";

export const METRIC_PREFIX = "meshboard_";

export const OP_TYPES: readonly OpType[] = boardOpSchema.options.map((o) => o.shape.type.value);

/** Client events other than `op` that can be refused, plus events the protocol does not know. */
export const REFUSABLE_EVENTS: readonly string[] = [...Object.keys(clientEventSchemas).filter((e) => e !== "op"), "unknown"];

/**
 * Engine.IO's refusals of HTTP requests, by its error code. `session_id_unknown`
 * is the signature of lost session affinity: a request of a polling session
 * reached a node that did not create the session.
 */
export const TRANSPORT_ERRORS = [
  "transport_unknown",
  "session_id_unknown",
  "bad_handshake_method",
  "bad_request",
  "forbidden",
  "unsupported_protocol_version",
] as const;
export type TransportError = (typeof TRANSPORT_ERRORS)[number];

/** Acknowledgement latency buckets, seconds: a local append is ~1 ms, a Redis round trip a few. */
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** One series' count, incremented on the hot path. */
class Tally {
  value = 0;
  inc(): void {
    this.value++;
  }
}

type Series = Array<{ labels: Record<string, string>; tally: Tally }>;

/**
 * A counter whose series are tallies, copied into prom-client at scrape time.
 * Series are present from zero (so rate() and increase() see the first event)
 * unless `sparse`, for families with many combinations that rarely happen.
 */
function tallyCounter(registry: Registry, name: string, help: string, labelNames: string[], series: Series, sparse = false): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, tally } of series) if (!sparse || tally.value > 0) this.inc(labels, tally.value);
    },
  });
}

/** Tallies keyed by one label's values; their series are appended to `series`. */
function tallies<K extends string>(series: Series, label: string, values: readonly K[], fixed: Record<string, string> = {}): Record<K, Tally> {
  const out = {} as Record<K, Tally>;
  for (const v of values) {
    out[v] = new Tally();
    series.push({ labels: { ...fixed, [label]: v }, tally: out[v] });
  }
  return out;
}

export interface MetricSources {
  /** Sockets connected to this node. */
  sockets(): number;
  /** Boards with at least one socket on this node. */
  boards(): number;
}

/** The longest a scrape waits for the store's totals. */
const STORE_SCRAPE_TIMEOUT_MS = 500;

export class NodeMetrics {
  readonly registry = new Registry();
  private sources: MetricSources = { sockets: () => 0, boards: () => 0 };

  private readonly opsIn: Record<OpType, Tally>;
  private readonly opsOut: Record<OpType, Tally>;
  private readonly opsRejected: Record<ErrorCode, Tally>;
  private readonly eventsRejected = new Map<string, Record<ErrorCode, Tally>>();
  private readonly handshakesRefused: Record<ErrorCode, Tally>;
  private readonly transportErrors: Record<TransportError, Tally>;
  private readonly ackSeconds: Histogram;
  /** Messages this node's cross-node adapter sent to / took from Redis. */
  readonly adapterPublished: Tally;
  readonly adapterReceived: Tally;
  private redisGauge: Gauge | undefined;
  private readonly retentionDeleted: Counter;

  constructor(nodeId: string, mode: "embedded" | "cluster") {
    const registry = this.registry;
    const registers = [registry];
    registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

    new Gauge({
      name: `${METRIC_PREFIX}node_info`,
      help: "Always 1; labels say how this node runs (mode: embedded or cluster; protocol version).",
      labelNames: ["mode", "protocol"],
      registers,
    }).set({ mode, protocol: String(PROTOCOL_VERSION) }, 1);

    const sources = () => this.sources;
    new Gauge({
      name: `${METRIC_PREFIX}connected_sockets`,
      help: "Socket.IO connections open on this node.",
      registers,
      collect() {
        this.set(sources().sockets());
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}active_boards`,
      help: "Boards with at least one client connected to this node.",
      registers,
      collect() {
        this.set(sources().boards());
      },
    });

    const opsIn: Series = [];
    this.opsIn = tallies(opsIn, "type", OP_TYPES);
    tallyCounter(registry, `${METRIC_PREFIX}ops_in_total`, "Valid board operations received from this node's clients, by operation type.", ["type"], opsIn);

    const opsOut: Series = [];
    this.opsOut = tallies(opsOut, "type", OP_TYPES);
    tallyCounter(
      registry,
      `${METRIC_PREFIX}ops_out_total`,
      "Sequenced board operations written to this node's clients (live and catch-up), by operation type.",
      ["type"],
      opsOut,
    );

    const opsRejected: Series = [];
    this.opsRejected = tallies(opsRejected, "reason", ERROR_CODES);
    tallyCounter(
      registry,
      `${METRIC_PREFIX}ops_rejected_total`,
      "Board operations answered with ok:false, by reason (the protocol's error code).",
      ["reason"],
      opsRejected,
    );

    const eventsRejected: Series = [];
    for (const event of REFUSABLE_EVENTS) this.eventsRejected.set(event, tallies(eventsRejected, "reason", ERROR_CODES, { event }));
    tallyCounter(
      registry,
      `${METRIC_PREFIX}events_rejected_total`,
      "Client events other than operations refused with an error event, by event and reason.",
      ["event", "reason"],
      eventsRejected,
      true,
    );

    const handshakes: Series = [];
    this.handshakesRefused = tallies(handshakes, "reason", ERROR_CODES);
    tallyCounter(registry, `${METRIC_PREFIX}handshakes_refused_total`, "Socket.IO connections refused at the handshake, by reason.", ["reason"], handshakes);

    const transport: Series = [];
    this.transportErrors = tallies(transport, "reason", TRANSPORT_ERRORS);
    tallyCounter(
      registry,
      `${METRIC_PREFIX}transport_errors_total`,
      "HTTP requests Engine.IO refused, by reason; session_id_unknown means a polling session's request reached the wrong node (lost affinity).",
      ["reason"],
      transport,
    );

    this.ackSeconds = new Histogram({
      name: `${METRIC_PREFIX}op_ack_seconds`,
      help: "Time from receiving a valid operation to acknowledging it (sequencing and storage included).",
      buckets: ACK_BUCKETS,
      registers,
    });

    this.retentionDeleted = new Counter({
      name: `${METRIC_PREFIX}boards_deleted_total`,
      help: "Idle boards this node deleted (retention, BOARD_RETENTION_SECONDS).",
      registers,
    });

    const adapter: Series = [];
    ({ publish: this.adapterPublished, receive: this.adapterReceived } = tallies(adapter, "direction", ["publish", "receive"] as const));
    tallyCounter(
      registry,
      `${METRIC_PREFIX}adapter_messages_total`,
      "Messages between this node and the other nodes through the Redis adapter, by direction.",
      ["direction"],
      adapter,
    );
  }

  /** Where the gauges read their values at scrape time. */
  observe(sources: MetricSources): void {
    this.sources = sources;
  }

  /** Adds `meshboard_redis_connected`, read at scrape time (cluster mode only: embedded nodes have no Redis). */
  watchRedis(connected: () => boolean): void {
    this.redisGauge ??= new Gauge({
      name: `${METRIC_PREFIX}redis_connected`,
      help: "1 when every Redis connection of this node is ready, else 0.",
      registers: [this.registry],
      collect() {
        this.set(connected() ? 1 : 0);
      },
    });
  }

  /**
   * Adds the store's gauges (read at scrape time): boards stored, bytes used and the
   * store's limit (Redis maxmemory), and compactions this node installed.
   */
  observeStore(totals: () => Promise<{ boards: number; bytes: number; limitBytes: number }>, compactions: () => number): void {
    const registers = [this.registry];
    // One read of the store per scrape, shared by the three gauges.
    let pending: Promise<{ boards: number; bytes: number; limitBytes: number } | null> | null = null;
    // A store that does not answer (Redis down: node-redis queues commands) must not hold the scrape.
    const read = () =>
      (pending ??= Promise.race([
        totals().catch(() => null),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), STORE_SCRAPE_TIMEOUT_MS).unref()),
      ]).finally(() => setTimeout(() => (pending = null), 1000).unref()));
    const gauge = (name: string, help: string, pick: (t: { boards: number; bytes: number; limitBytes: number }) => number) =>
      new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        registers,
        async collect() {
          const t = await read();
          if (t) this.set(pick(t));
        },
      });
    gauge("stored_boards", "Boards in the store (cluster: the whole cluster's).", (t) => t.boards);
    gauge("store_bytes", "Bytes the store uses: Redis used_memory (cluster), or the boards' stored ops and snapshots (embedded).", (t) => t.bytes);
    gauge("store_limit_bytes", "The store's memory limit: Redis maxmemory (0: none, and always 0 embedded).", (t) => t.limitBytes);
    new Counter({
      name: `${METRIC_PREFIX}compactions_total`,
      help: "Board snapshots this node installed (compactions).",
      registers,
      collect() {
        this.reset();
        this.inc(compactions());
      },
    });
  }

  /** Boards deleted by retention (counted by the node that swept). */
  boardsDeleted(n: number): void {
    this.retentionDeleted.inc(n);
  }

  opReceived(type: OpType): void {
    this.opsIn[type]?.inc();
  }

  opsDelivered(batch: readonly SequencedOp[]): void {
    for (let i = 0; i < batch.length; i++) this.opsOut[batch[i].op.type]?.inc();
  }

  opRejected(reason: ErrorCode): void {
    this.opsRejected[reason]?.inc();
  }

  /** `event` is a client event name; anything the protocol does not know counts as "unknown". */
  eventRejected(event: string, reason: ErrorCode): void {
    (this.eventsRejected.get(event) ?? this.eventsRejected.get("unknown"))?.[reason]?.inc();
  }

  handshakeRefused(reason: ErrorCode): void {
    this.handshakesRefused[reason]?.inc();
  }

  /** `code` is Engine.IO's error code (0 transport unknown, 1 session id unknown, …). */
  transportError(code: number): void {
    const reason = TRANSPORT_ERRORS[code];
    if (reason) this.transportErrors[reason].inc();
  }

  /** Records the time since `startedMs` (a performance.now() value). */
  opAcknowledged(startedMs: number): void {
    this.ackSeconds.observe((performance.now() - startedMs) / 1000);
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

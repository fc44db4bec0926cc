/** Pub/sub traffic through Redis, from INFO (commandstats and stats) before and after a window. */
import { createClient } from "redis";

export interface RedisTraffic {
  /** PUBLISH + SPUBLISH calls: messages one node sent to the others. */
  publishes: number;
  /** Bytes into and out of Redis over all connections. */
  bytes_in: number;
  bytes_out: number;
}

interface Counters {
  publishes: number;
  bytesIn: number;
  bytesOut: number;
}

async function read(url: string): Promise<Counters> {
  const client = createClient({ url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const text = (await client.info("commandstats")) + "\n" + (await client.info("stats"));
    const calls = (cmd: string) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(text)?.[1] ?? 0);
    const stat = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(text)?.[1] ?? 0);
    return {
      publishes: calls("publish") + calls("spublish"),
      bytesIn: stat("total_net_input_bytes"),
      bytesOut: stat("total_net_output_bytes"),
    };
  } finally {
    await client.quit().catch(() => undefined);
  }
}

export class RedisMeter {
  private start: Counters | null = null;
  constructor(private readonly url: string) {}

  async begin(): Promise<void> {
    this.start = await read(this.url);
  }

  async end(): Promise<RedisTraffic> {
    const now = await read(this.url);
    const s = this.start ?? now;
    return { publishes: now.publishes - s.publishes, bytes_in: now.bytesIn - s.bytesIn, bytes_out: now.bytesOut - s.bytesOut };
  }
}

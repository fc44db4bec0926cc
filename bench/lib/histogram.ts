/**
 * Latency histogram: 10 µs buckets below 1 ms, then buckets 1% wide up to
 * ~2 minutes. Cheap to record, mergeable across processes, ~0.5% error.
 */
const LINEAR = 100; // buckets below 1 ms, 0.01 ms each
const LOG_BASE = Math.log(1.01);
const SIZE = LINEAR + Math.ceil(Math.log(120_000) / LOG_BASE) + 1;

/** Sparse form that crosses process boundaries: [bucket, count] pairs. */
export type HistogramData = Array<[number, number]>;

export class Histogram {
  private counts = new Float64Array(SIZE);
  count = 0;
  max = 0;

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    const i = v < 1 ? Math.floor(v * LINEAR) : Math.min(SIZE - 1, LINEAR + Math.floor(Math.log(v) / LOG_BASE));
    this.counts[i]++;
    this.count++;
    if (v > this.max) this.max = v;
  }

  merge(data: HistogramData): void {
    for (const [i, n] of data) {
      this.counts[i] += n;
      this.count += n;
      const v = valueOf(i);
      if (v > this.max) this.max = v;
    }
  }

  /** p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= rank) return valueOf(i);
    }
    return this.max;
  }

  toData(): HistogramData {
    const out: HistogramData = [];
    for (let i = 0; i < SIZE; i++) if (this.counts[i]) out.push([i, this.counts[i]]);
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
  }
}

/** Representative value (midpoint) of a bucket, in ms. */
function valueOf(i: number): number {
  if (i < LINEAR) return (i + 0.5) / LINEAR;
  return Math.exp((i - LINEAR + 0.5) * LOG_BASE);
}

import { barFields } from '../nodes/ports.ts';
import { badBarCounts, countBadBars, type Market } from './bars.ts';

/**
 * Indicator columns kept between runs over the same bars, so the trials of a parameter sweep compute
 * each indicator configuration once: the 100 sets of an SMA fast × slow grid have 20 distinct SMAs, and
 * a threshold swept over a Hurst exponent needs the Hurst column only once.
 *
 * What is kept: the output columns, over every bar, of a pure node with a kernel whose inputs are all
 * fields of the bars (an indicator of the data itself), keyed by its type, version, params and wiring.
 * Deeper nodes (a crossover of two SMAs) differ between sets and are not kept. A cached column is
 * exactly what the kernel wrote on the same bars, so results do not change (engine/execute.test.ts).
 *
 * It also keeps each symbol's count of bad bars, so the executor checks a block's validity in one step,
 * and the metrics' sums of the benchmark's returns (`memo`).
 *
 * A cache belongs to one set of bars (the arrays themselves, compared by buffer, offset and length): an
 * executor over other bars does not use it. Least recently used columns go first past `maxBytes`.
 */
export class ColumnCache {
  private readonly entries = new Map<string, Float64Array[][]>();
  private bytes = 0;
  /** Columns served from the cache and computed into it, for tests and logs. */
  hits = 0;
  misses = 0;

  private readonly market: Market;
  readonly maxBytes: number;

  constructor(market: Market, maxBytes = 256 * 2 ** 20) {
    this.market = market;
    this.maxBytes = maxBytes;
  }

  /** Whether `market` is the bars this cache was made for (the same arrays, or views of exactly them). */
  covers(market: Market): boolean {
    const a = this.market.lanes, b = market.lanes;
    const same = (x: Float64Array, y: Float64Array) => x.buffer === y.buffer && x.byteOffset === y.byteOffset && x.length === y.length;
    return a.length === b.length && a.every((lane, k) => barFields.every((f) => same(lane[f], b[k]![f])));
  }

  /** The columns stored under `key` (per symbol, per output), or undefined. */
  get(key: string): Float64Array[][] | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits++;
    } else this.misses++;
    return hit;
  }

  /** Store complete columns (every bar run) under `key`. */
  put(key: string, columns: Float64Array[][]): void {
    const size = columns.reduce((a, lane) => a + lane.reduce((b, c) => b + c.byteLength, 0), 0);
    if (size > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, columns);
    this.bytes += size;
    for (const [old, cols] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(old);
      this.bytes -= cols.reduce((a, lane) => a + lane.reduce((b, c) => b + c.byteLength, 0), 0);
    }
  }

  private readonly derived = new Map<string, unknown>();
  /**
   * A value derived from these bars alone (the metrics' benchmark sums and per-bar excess returns), made
   * once: `make`'s result for `key` the first time, the same value after. Not counted in `maxBytes`: for
   * small values, or one column per cache.
   */
  memo<T>(key: string, make: () => T): T {
    if (!this.derived.has(key)) this.derived.set(key, make());
    return this.derived.get(key) as T;
  }

  private bad: Int32Array[] | undefined;
  /**
   * Per symbol, how many of bars [0, t) are bad (`isGoodBar`, the executor's rule) at index t: a block
   * holds no bad bar when the counts at its ends are equal, so sweeps validate the bars once.
   */
  badBefore(): Int32Array[] {
    this.bad ??= this.market.lanes.map((lane) => badBarCounts(lane) ?? countBadBars(lane));
    return this.bad;
  }

  get size(): number {
    return this.entries.size;
  }
}

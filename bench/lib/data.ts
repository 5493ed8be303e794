/**
 * The bars file every implementation reads: written once from Tradeloom's seeded generator, so all of
 * them see exactly the same doubles.
 *
 * Layout (little endian): 8 bytes magic `TLBARS1\n`, 8 bytes bar count (uint64), then six Float64
 * columns of that length in `barFields` order: time (epoch ms), open, high, low, close, volume.
 * NumPy reads it with `np.fromfile(path, '<f8', offset=16)`.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { barFields, syntheticBars, type Bars, type SyntheticSpec } from '../../engine/bars.ts';

export const magic = 'TLBARS1\n';
const headerBytes = 16;

/** The one data spec of the benchmark: 1-minute GBM bars, seed 1 (only the length varies). */
export function benchSpec(bars: number): SyntheticSpec {
  return { seed: 1, bars, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 1, startTime: Date.UTC(2024, 0, 1) };
}

export const cacheDir = join(import.meta.dirname, '..', '.cache');

export function barsPath(n: number): string {
  return join(cacheDir, `bars-seed1-${n}.bin`);
}

export function writeBars(path: string, b: Bars): void {
  const n = b.close.length;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const header = Buffer.alloc(headerBytes);
    header.write(magic, 0, 'latin1');
    header.writeBigUInt64LE(BigInt(n), 8);
    writeSync(fd, header);
    for (const f of barFields) writeSync(fd, new Uint8Array(b[f].buffer, b[f].byteOffset, n * 8));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Make the bars file for `n` bars unless it is already there; returns its path. */
export function ensureBars(n: number): { path: string; generatedMs: number } {
  const path = barsPath(n);
  if (existsSync(path)) return { path, generatedMs: 0 };
  const t0 = performance.now();
  writeBars(path, syntheticBars(benchSpec(n)));
  return { path, generatedMs: performance.now() - t0 };
}

/** Read a bars file straight into one Float64Array (no intermediate buffer), one column per field. */
export function readBars(path: string): Bars {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(headerBytes);
    readSync(fd, header, 0, headerBytes, 0);
    if (header.toString('latin1', 0, 8) !== magic) throw new Error(`${path}: not a bench bars file`);
    const n = Number(header.readBigUInt64LE(8));
    const all = new Float64Array(6 * n);
    const bytes = new Uint8Array(all.buffer);
    for (let done = 0; done < bytes.length; ) {
      const got = readSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30), headerBytes + done);
      if (got === 0) throw new Error(`${path}: truncated (${done} of ${bytes.length} data bytes)`);
      done += got;
    }
    const col = (k: number) => all.subarray(k * n, (k + 1) * n);
    return { time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bars of `b`, as views (no copy). */
export function sliceBars(b: Bars, n: number): Bars {
  return {
    time: b.time.subarray(0, n),
    open: b.open.subarray(0, n),
    high: b.high.subarray(0, n),
    low: b.low.subarray(0, n),
    close: b.close.subarray(0, n),
    volume: b.volume.subarray(0, n),
  };
}

import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, type Frame } from './protocol.ts';

function collect(max = 1 << 20) {
  const frames: Frame[] = [];
  return { frames, reader: new FrameReader(max, (f) => frames.push(f)) };
}

describe('frames', () => {
  it('round-trips header and payload whatever the chunking, with an aligned payload view', () => {
    const payload = Float64Array.from([1.5, NaN, -0, Infinity, 1e-300]);
    const bytes = Buffer.concat([...encodeFrame({ op: 'run', seq: 1, n: 5 }, payload), ...encodeFrame({ op: 'ready' })]);
    for (const size of [1, 3, 7, 64, bytes.length]) {
      const { frames, reader } = collect();
      for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
      expect(frames).toHaveLength(2);
      expect(frames[0].header).toEqual({ op: 'run', seq: 1, n: 5 });
      expect(frames[0].payload!.byteOffset % 8).toBe(0);
      expect(Array.from(frames[0].payload!).map((x) => Object.is(x, -0) ? '-0' : x)).toEqual([1.5, NaN, '-0', Infinity, 1e-300]);
      expect(frames[1]).toEqual({ header: { op: 'ready' }, payload: null });
    }
  });

  it('refuses a frame over the limit before allocating it, and a header that is not JSON', () => {
    const { reader } = collect(1024);
    const big = Buffer.alloc(8);
    big.writeUInt32LE(10_000_000, 0);
    expect(() => reader.push(big)).toThrow('frame of 10000004 bytes exceeds the 1024-byte limit');
    const bad = Buffer.from(encodeFrame({ a: 1 })[0]);
    bad.write('{', 8);
    bad.write('{', 9);
    expect(() => collect().reader.push(bad)).toThrow(SyntaxError);
  });
});

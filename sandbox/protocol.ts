/**
 * The wire between host and sandbox process: length-prefixed frames on one socket, each a JSON header
 * and an optional Float64 payload (the batch columns). A raw framing rather than Node's IPC channel:
 * batches cross as bytes with one copy per side, and the host never runs V8's deserializer on data a
 * compromised sandbox could shape; it parses JSON and validates it with zod.
 *
 * Layout: u32 frame length (bytes after this field) | u32 header length | header (UTF-8 JSON) |
 * zero padding to a multiple of 8 from the frame start | payload (little-endian float64).
 */

export interface Frame {
  header: unknown;
  payload: Float64Array | null;
}

const PREFIX = 8;
const align8 = (n: number) => (n + 7) & ~7;

/** The buffers to write for one frame; the payload is written as is (no copy). */
export function encodeFrame(header: object, payload?: Float64Array | null): Buffer[] {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const payloadStart = align8(PREFIX + json.length);
  const payloadBytes = payload ? payload.byteLength : 0;
  const head = Buffer.alloc(payloadStart);
  head.writeUInt32LE(payloadStart - 4 + payloadBytes, 0);
  head.writeUInt32LE(json.length, 4);
  json.copy(head, PREFIX);
  if (!payload || payloadBytes === 0) return [head];
  return [head, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)];
}

/**
 * Reassembles frames from socket chunks. Each frame gets its own ArrayBuffer, allocated once its
 * length is known, so the payload is an aligned Float64Array view and nothing is copied twice.
 * A frame longer than `maxFrameBytes` or a header that is not JSON is a protocol error.
 */
export class FrameReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #frame: Uint8Array | null = null;
  #filled = 0;
  readonly #maxFrameBytes: number;
  readonly #onFrame: (f: Frame) => void;

  constructor(maxFrameBytes: number, onFrame: (f: Frame) => void) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#onFrame = onFrame;
  }

  /** Throws on a protocol error; the caller then drops the connection. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (!this.#frame) {
        // Gather the 4-byte length, possibly split across chunks.
        const need = 4 - this.#pendingBytes;
        const take = Math.min(need, chunk.length - at);
        this.#pending.push(chunk.subarray(at, at + take));
        this.#pendingBytes += take;
        at += take;
        if (this.#pendingBytes < 4) return;
        const len = Buffer.concat(this.#pending, 4).readUInt32LE(0);
        this.#pending = [];
        this.#pendingBytes = 0;
        if (len + 4 > this.#maxFrameBytes) throw new Error(`frame of ${len + 4} bytes exceeds the ${this.#maxFrameBytes}-byte limit`);
        if (len < 4) throw new Error('frame too short');
        this.#frame = new Uint8Array(new ArrayBuffer(len + 4));
        new DataView(this.#frame.buffer).setUint32(0, len, true);
        this.#filled = 4;
      }
      const frame = this.#frame;
      const take = Math.min(frame.length - this.#filled, chunk.length - at);
      frame.set(chunk.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === frame.length) {
        this.#frame = null;
        this.#onFrame(decode(frame));
      }
    }
  }
}

function decode(frame: Uint8Array): Frame {
  const view = new DataView(frame.buffer);
  const headerLen = view.getUint32(4, true);
  if (PREFIX + headerLen > frame.length) throw new Error('header length exceeds frame');
  const header: unknown = JSON.parse(Buffer.from(frame.buffer, PREFIX, headerLen).toString('utf8'));
  const payloadStart = align8(PREFIX + headerLen);
  const payloadBytes = frame.length - payloadStart;
  if (payloadBytes < 0 || payloadBytes % 8 !== 0) throw new Error('payload is not a whole number of float64');
  return { header, payload: payloadBytes > 0 ? new Float64Array(frame.buffer, payloadStart, payloadBytes / 8) : null };
}

/** Host → sandbox requests (each also carries `seq`); `run` carries the input columns as its payload. */
export type Request =
  | { op: 'load'; def: string; source: string }
  | { op: 'create'; def: string; inst: number; params: unknown; seed: number; snapshot?: string }
  | { op: 'run'; inst: number; n: number }
  | { op: 'snapshot'; inst: number }
  | { op: 'dispose'; inst: number }
  | { op: 'unload'; def: string };

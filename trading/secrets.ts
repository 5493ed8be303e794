import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Envelope encryption of exchange keys at rest (DESIGN.md §8). Each secret gets its own random 256-bit
 * data key that encrypts it with AES-256-GCM; the data key itself is encrypted (wrapped) with the master
 * key, also AES-256-GCM. The database holds only ciphertexts; the master key comes from the environment
 * (`TRADELOOM_MASTER_KEY`, 32 bytes in base64 or hex) and is read only by the process that sends orders.
 * Rotating the master key means re-wrapping data keys, never re-encrypting secrets.
 */
export const Envelope = z.object({
  v: z.literal(1),
  alg: z.literal('AES-256-GCM'),
  /** The data key, encrypted with the master key. */
  wrappedKey: z.string(),
  keyIv: z.string(),
  keyTag: z.string(),
  iv: z.string(),
  tag: z.string(),
  ciphertext: z.string(),
});
export type Envelope = z.infer<typeof Envelope>;

export class MasterKeyMissing extends Error {
  constructor() {
    super('TRADELOOM_MASTER_KEY is not set (32 random bytes, base64 or hex): exchange keys cannot be stored or used without it.');
    this.name = 'MasterKeyMissing';
  }
}

/** Parse a master key given as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string | undefined): Buffer {
  if (!text) throw new MasterKeyMissing();
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('TRADELOOM_MASTER_KEY must be 32 bytes (64 hex characters or 44 base64 characters)');
  return key;
}

const b64 = (b: Buffer) => b.toString('base64');

function seal(key: Buffer, plaintext: Buffer, aad: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

function open(key: Buffer, iv: string, tag: string, ciphertext: string, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
}

/**
 * Encrypt `secret` (any JSON) for one owner of it, e.g. a deployment id. The context is bound as
 * additional authenticated data, so a ciphertext copied to another deployment's row does not decrypt.
 */
export function encryptSecret(masterKey: Buffer, context: string, secret: unknown): Envelope {
  const dataKey = randomBytes(32);
  try {
    const body = seal(dataKey, Buffer.from(JSON.stringify(secret), 'utf8'), context);
    const wrapped = seal(masterKey, dataKey, `key:${context}`);
    return { v: 1, alg: 'AES-256-GCM', wrappedKey: b64(wrapped.ciphertext), keyIv: b64(wrapped.iv), keyTag: b64(wrapped.tag), iv: b64(body.iv), tag: b64(body.tag), ciphertext: b64(body.ciphertext) };
  } finally {
    dataKey.fill(0);
  }
}

export function decryptSecret(masterKey: Buffer, context: string, envelope: Envelope): unknown {
  const e = Envelope.parse(envelope);
  const dataKey = open(masterKey, e.keyIv, e.keyTag, e.wrappedKey, `key:${context}`);
  try {
    return JSON.parse(open(dataKey, e.iv, e.tag, e.ciphertext, context).toString('utf8'));
  } finally {
    dataKey.fill(0);
  }
}

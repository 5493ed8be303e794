import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, MasterKeyMissing, parseMasterKey } from './secrets.ts';

describe('envelope encryption of exchange keys', () => {
  const master = randomBytes(32);
  const keys = { apiKey: 'AKIA-live-key', secret: 'very-secret-value' };

  it('round-trips, and the stored form never contains the secret', () => {
    const env = encryptSecret(master, 'deployment-1', keys);
    expect(JSON.stringify(env)).not.toContain('very-secret-value');
    expect(JSON.stringify(env)).not.toContain('AKIA');
    expect(decryptSecret(master, 'deployment-1', env)).toEqual(keys);
  });

  it('uses a fresh data key and IV each time', () => {
    const a = encryptSecret(master, 'd', keys);
    const b = encryptSecret(master, 'd', keys);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('refuses the wrong master key, another deployment, and tampering', () => {
    const env = encryptSecret(master, 'deployment-1', keys);
    expect(() => decryptSecret(randomBytes(32), 'deployment-1', env)).toThrow();
    expect(() => decryptSecret(master, 'deployment-2', env)).toThrow();
    const flipped = Buffer.from(env.ciphertext, 'base64');
    flipped[0]! ^= 1;
    expect(() => decryptSecret(master, 'deployment-1', { ...env, ciphertext: flipped.toString('base64') })).toThrow();
  });

  it('reads the master key as hex or base64 and refuses a missing or short one', () => {
    expect(parseMasterKey(master.toString('hex'))).toEqual(master);
    expect(parseMasterKey(master.toString('base64'))).toEqual(master);
    expect(() => parseMasterKey(undefined)).toThrow(MasterKeyMissing);
    expect(() => parseMasterKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

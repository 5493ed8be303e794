import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPLOYMENT_SLOTS, deploymentSlotsFromEnv, researchThreadsFromEnv } from './worker.ts';

describe('worker settings from the environment', () => {
  it('RESEARCH_THREADS: one thread per core by default, 0 for none, anything else refused by name', () => {
    expect(researchThreadsFromEnv(undefined)).toBe(availableParallelism());
    expect(researchThreadsFromEnv(' ')).toBe(availableParallelism());
    expect(researchThreadsFromEnv('0')).toBe(0);
    expect(researchThreadsFromEnv('3')).toBe(3);
    for (const bad of ['-1', '1.5', 'two', '257']) expect(() => researchThreadsFromEnv(bad)).toThrow(`RESEARCH_THREADS must be a whole number from 0 to 256, not "${bad}"`);
  });

  it('DEPLOYMENT_ACTIVITY_SLOTS: 64 by default, 1 to 1000', () => {
    expect(deploymentSlotsFromEnv(undefined)).toBe(DEFAULT_DEPLOYMENT_SLOTS);
    expect(deploymentSlotsFromEnv('8')).toBe(8);
    for (const bad of ['0', '1001', 'x']) expect(() => deploymentSlotsFromEnv(bad)).toThrow(/DEPLOYMENT_ACTIVITY_SLOTS/);
  });
});

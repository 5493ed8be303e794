import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from './client.ts';

/**
 * Instance snapshots must restore a node exactly, whatever numbers its state holds: a deployment saves
 * and restores every custom node on every bar, so a lossy snapshot would make a deployed strategy
 * compute something else than its backtest.
 */
const sandbox = new Sandbox();
afterAll(() => sandbox.close());

/** Its state holds every number JSON cannot, and strings that look like the encoding's tags. */
const source = `
import { defineNode, z } from 'tradeloom/node';
export default defineNode({
  type: 'awkward',
  title: 'Awkward state',
  description: 'Keeps NaN, infinities, negative zero and tag-like strings in its state.',
  inputs: { x: { kind: 'number', description: 'Any series.' } },
  outputs: { nan: { kind: 'number' }, inf: { kind: 'number' }, ninf: { kind: 'number' }, negz: { kind: 'number' }, tags: { kind: 'number' } },
  params: z.object({}),
  init: () => ({ nan: NaN, inf: Infinity, ninf: -Infinity, negz: -0, tags: ['\\u0000NaN', '\\u0000\\u0000x', '\\u0000', 'plain'], nested: [{ v: NaN }] }),
  step(s, p, input, out) {
    out.nan = Number.isNaN(s.nan) && Number.isNaN(s.nested[0].v) ? 1 : 0;
    out.inf = s.inf;
    out.ninf = s.ninf;
    out.negz = 1 / s.negz;
    out.tags = s.tags.join('|') === '\\u0000NaN|\\u0000\\u0000x|\\u0000|plain' ? 1 : 0;
  },
});`;

describe('instance snapshots', () => {
  it('keep NaN, ±Infinity, −0 and strings that start with U+0000', async () => {
    const node = await sandbox.load(source);
    const h = await sandbox.createInstance(node.id);
    const restored = await sandbox.createInstance(node.id, {}, { snapshot: await sandbox.snapshot(h) });
    const out = await sandbox.runBatch(restored, { x: Float64Array.of(1) }, 1);
    expect({ nan: out.nan![0], inf: out.inf![0], ninf: out.ninf![0], negz: out.negz![0], tags: out.tags![0] }).toEqual({ nan: 1, inf: Infinity, ninf: -Infinity, negz: -Infinity, tags: 1 });
  });

  it('taken before the encoding (no `enc`) still restore as they were saved', async () => {
    const node = await sandbox.load(source);
    const h = await sandbox.createInstance(node.id);
    const { json } = await sandbox.snapshot(h);
    const { enc, ...old } = JSON.parse(json);
    expect(enc).toBe(1);
    // Such a snapshot is plain JSON of the state: its tag-like strings are user strings, not numbers.
    old.state = { nan: null, inf: 1, ninf: -1, negz: 0, tags: ['\u0000NaN', '\u0000\u0000x', '\u0000', 'plain'], nested: [{ v: null }] };
    const restored = await sandbox.createInstance(node.id, {}, { snapshot: { node: node.id, json: JSON.stringify(old) } });
    const out = await sandbox.runBatch(restored, { x: Float64Array.of(1) }, 1);
    expect({ nan: out.nan![0], inf: out.inf![0], negz: out.negz![0], tags: out.tags![0] }).toEqual({ nan: 0, inf: 1, negz: Infinity, tags: 1 });
  });
});

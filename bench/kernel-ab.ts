/**
 * One node's kernel in two checkouts, side by side in one process, for changes smaller than this
 * machine's noise (as bench/ab.ts is for whole strategies). Both kernels run over the same 400 000
 * seeded synthetic bars in blocks of 2 048, their runs alternating, each into block-sized outputs reused
 * from block to block as the executor's block columns are (full-length outputs made every write a cache
 * miss); the minimum and median ns per bar of each are printed, and whether their outputs agree bit for
 * bit over the whole run.
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   node bench/kernel-ab.ts /tmp/base . indicator.stochastic [params as JSON]
 *
 * A number input gets the close (a second one, such as Correlation's `b`, another symbol's close), a
 * bool input a condition that flips on about 2 % of the bars, a bars input the bars.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { syntheticBars } from '../engine/bars.ts';
import type { AnyNodeDefinition } from '../nodes/contract.ts';

const [rootA, rootB, type, paramsArg = '{}'] = process.argv.slice(2);
if (!rootA || !rootB || !type) {
  console.error('usage: node bench/kernel-ab.ts <checkout A> <checkout B> <node type> [params as JSON]');
  process.exit(2);
}
const defs = await Promise.all(
  [rootA, rootB].map(async (root) => {
    const { registry } = await import(pathToFileURL(resolve(root, 'nodes/index.ts')).href);
    const def = (registry.definitions as AnyNodeDefinition[]).find((d) => d.type === type);
    const kernel = def?.kernel ?? def?.prepare?.kernel;
    if (!def || !kernel) throw new Error(`${root}: no node ${type} with a kernel`);
    return { def, kernel };
  }),
);

const n = 400_000, block = 2048, rounds = 16;
const spec = { bars: n, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 1, startTime: Date.UTC(2024, 0, 1) };
const bars = syntheticBars({ ...spec, seed: 7 });
const other = syntheticBars({ ...spec, seed: 8 }).close;
let x = 7;
const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
const condition = new Float64Array(n);
for (let t = 0, on = 0; t < n; t++) condition[t] = on = rand() < 0.02 ? 1 - on : on;

const { def } = defs[0]!;
const numbers = Object.entries(def.inputs).filter(([, spec]) => spec.kind !== 'bars' && spec.kind !== 'bool').map(([port]) => port);
const inputs = Object.fromEntries(
  Object.entries(def.inputs).map(([port, spec]) => [port, spec.kind === 'bars' ? bars : spec.kind === 'bool' ? condition : port === numbers[0] ? bars.close : other]),
);
const wired = Object.fromEntries(Object.keys(def.inputs).map((port) => [port, true]));
const view = (v: unknown, from: number): unknown =>
  v instanceof Float64Array ? v.subarray(from, from + block) : Object.fromEntries(Object.entries(v as Record<string, Float64Array>).map(([k, c]) => [k, c.subarray(from, from + block)]));

const times: number[][] = [[], []];
let differ = 0;
for (let r = 0; r < rounds; r++) {
  const last = r === rounds - 1;
  const outputs: Record<string, Float64Array>[] = [];
  for (const w of r % 2 ? [1, 0] : [0, 1]) {
    const { def, kernel } = defs[w]!;
    const params = def.params.parse(JSON.parse(paramsArg));
    const state = def.init(params as never, wired as never);
    // The last round writes full-length outputs, to compare them; it is not timed.
    const out = Object.fromEntries(Object.keys(def.outputs).map((port) => [port, new Float64Array(last ? n : block)]));
    const t0 = performance.now();
    for (let from = 0; from + block <= n; from += block) {
      const input = def.kernel ? Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, view(v, from)])) : view(bars, from);
      kernel(state as never, params as never, input as never, (last ? view(out, from) : out) as never, 0, block);
    }
    if (!last) times[w]!.push(((performance.now() - t0) * 1e6) / n);
    outputs[w] = out;
  }
  if (last) for (const port of Object.keys(outputs[0]!)) for (let t = 0; t < n; t++) if (!Object.is(outputs[0]![port]![t], outputs[1]![port]![t])) differ++;
}
const stats = (v: number[]) => {
  v.sort((a, b) => a - b);
  return `min ${v[0]!.toFixed(2)}, median ${v[v.length >> 1]!.toFixed(2)}`;
};
console.log(`${type}: A ${stats(times[0]!)} ns per bar; B ${stats(times[1]!)}; ${differ ? `${differ} output values differ` : 'the same outputs, bit for bit'}`);

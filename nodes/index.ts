import { csvBars } from './data/csv/index.ts';
import { syntheticBars } from './data/synthetic/index.ts';
import { ema } from './indicator/ema/index.ts';
import { rsi } from './indicator/rsi/index.ts';
import { sma } from './indicator/sma/index.ts';
import { and } from './logic/and/index.ts';
import { compare } from './logic/compare/index.ts';
import { crossover } from './logic/crossover/index.ts';
import { or } from './logic/or/index.ts';
import { threshold } from './logic/threshold/index.ts';
import { targetPercent } from './order/targetPercent/index.ts';
import { createRegistry } from './registry.ts';
import { maxPosition } from './risk/maxPosition/index.ts';

/** Every built-in node, listed explicitly: the editor, the server, the docs and the workflows read this. */
export const registry = createRegistry([
  syntheticBars,
  csvBars,
  sma,
  ema,
  rsi,
  crossover,
  compare,
  threshold,
  and,
  or,
  targetPercent,
  maxPosition,
]);

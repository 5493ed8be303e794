import { z } from 'zod';
import { Graph } from '../../engine/graph.ts';

/**
 * A strategy template: a ready graph plus what a trader needs to choose it. One JSON file per template
 * in this folder. `version` and `author` are there for publishing and sharing: a changed graph gets a
 * new version, so a strategy made from it can say which one it came from.
 */
export const TemplateId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens');

const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\n\r]*$/, 'must be one line');

export const StrategyTemplate = z
  .object({
    id: TemplateId.describe('Stable id, e.g. `rsi-with-stop`; never reused for a different strategy.'),
    version: z.number().int().min(1).describe('Bumped whenever the graph or its meaning changes.'),
    author: oneLine(100).describe('Who wrote and maintains the template.'),
    name: oneLine(80).describe('Title shown on the gallery card.'),
    summary: oneLine(100).describe('One line: what the strategy does.'),
    description: z.string().trim().min(80).max(1500).describe('A short paragraph for a trader: the idea, the rules, what to watch out for.'),
    tags: z.array(oneLine(32)).min(1).max(8).describe('Themes to filter by, e.g. `trend`, `RSI`.'),
    graph: Graph,
  })
  .strict();

export type StrategyTemplate = z.infer<typeof StrategyTemplate>;

import { z } from 'zod';

/**
 * The strategy graph: the plain JSON document the editor edits, the server stores and the compiler
 * reads. Node ids are stable keys chosen by the editor; titles are display only and never referenced.
 * Every object is strict: a misspelt key (\`comissionBps\`, \`parms\`) is refused by name, never dropped,
 * as a dropped setting would run the strategy on its default without a word.
 */
export const NodeId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, - and _ only');

/**
 * The values a research run may try for one numeric param: an explicit list, or an inclusive range with a
 * step. Which params exist and which values they accept is checked against the node's own params schema
 * (engine/research/space.ts), so this only bounds the size of the search.
 */
export const OptimizeRange = z.union([
  z.object({ values: z.array(z.number().finite()).min(1).max(1000) }).strict(),
  z
    .object({ min: z.number().finite(), max: z.number().finite(), step: z.number().finite().positive() })
    .strict()
    .refine((r) => r.max >= r.min, { message: 'max must be at least min', path: ['max'] })
    // Only for a positive step: a zero one already has its own error, and would also read as infinitely many.
    .refine((r) => !(r.step > 0) || (r.max - r.min) / r.step <= 10_000, { message: 'at most 10 000 steps per param', path: ['step'] }),
]);
export type OptimizeRange = z.infer<typeof OptimizeRange>;

export const GraphNode = z.object({
  id: NodeId,
  type: z.string().min(1).max(100),
  /** The node definition version the params were saved with; older params are migrated on compile. */
  version: z.number().int().min(1).default(1),
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }).strict().default({ x: 0, y: 0 }),
  label: z.string().max(200).optional(),
  /** Params a sweep or walk-forward may vary, by param name; absent for a node nothing optimises. */
  optimize: z.record(z.string().min(1).max(64), OptimizeRange).optional(),
}).strict();

export const PortRef = z.object({ node: NodeId, port: z.string().min(1).max(64) }).strict();

export const GraphEdge = z.object({ id: z.string().min(1).max(200), source: PortRef, target: PortRef }).strict();

export const BacktestSettings = z.object({
  initialCash: z.number().positive().max(1e12).default(100_000).meta({ title: 'Initial cash' }).describe('Starting cash in quote currency.'),
  commissionBps: z.number().min(0).max(1000).default(1).meta({ title: 'Commission (bps)' }).describe('Commission per fill, in basis points of notional.'),
  commissionPerShare: z.number().min(0).max(1000).default(0).meta({ title: 'Commission per unit' }).describe('Commission per unit traded, in quote currency (added to the bps part).'),
  commissionFixed: z.number().min(0).max(1e6).default(0).meta({ title: 'Commission per fill' }).describe('Fixed commission per fill, in quote currency (added to the other parts).'),
  commissionMinimum: z.number().min(0).max(1e6).default(0).meta({ title: 'Minimum commission' }).describe('Smallest commission charged on a fill.'),
  slippageModel: z.enum(['bps', 'ticks', 'volatility']).default('bps').meta({ title: 'Slippage model' }).describe('How far market and stop fills move against you: basis points, ticks, or a fraction of recent volatility.'),
  slippageBps: z.number().min(0).max(1000).default(2).meta({ title: 'Slippage (bps)' }).describe('Adverse price move per fill, in basis points (bps model).'),
  slippageTicks: z.number().min(0).max(1000).default(1).meta({ title: 'Slippage (ticks)' }).describe('Adverse move per fill, in ticks (ticks model).'),
  tickSize: z.number().positive().max(1e6).default(0.01).meta({ title: 'Tick size' }).describe('Smallest price increment, for the ticks model.'),
  slippageVolatility: z.number().min(0).max(10).default(0.1).meta({ title: 'Slippage (× volatility)' }).describe('Adverse move as a multiple of the 20-bar standard deviation of returns (volatility model).'),
  maxParticipation: z.number().min(0).max(100).default(0).meta({ title: 'Max participation (%)' }).describe('Largest fill as a percent of the bar’s volume; the rest stays working. 0 = no cap.'),
  maxLeverage: z.number().positive().max(100).default(1).meta({ title: 'Max leverage' }).describe('Largest gross position value as a multiple of equity; fills beyond it are cut down.'),
}).strict();

const CanvasPoint = z.object({ x: z.number().finite().min(-1e6).max(1e6), y: z.number().finite().min(-1e6).max(1e6) }).strict();

/** A free-text note on the canvas. Never compiled: it documents the strategy for whoever reads it next. */
export const GraphComment = z.object({
  id: NodeId,
  text: z.string().max(5000),
  position: CanvasPoint,
  size: z.object({ width: z.number().finite().min(80).max(4000), height: z.number().finite().min(40).max(4000) }).strict(),
}).strict();

/**
 * A labelled frame around some nodes; moving it moves them. Its rectangle is not stored: it always wraps
 * its members, so it cannot drift away from the nodes it names. Never compiled.
 */
export const GraphGroup = z.object({
  id: NodeId,
  label: z.string().max(200),
  nodes: z.array(NodeId).min(1).max(2000),
}).strict();

/** Canvas-only annotations: the compiler validates their shape and otherwise ignores them. */
export const GraphAnnotations = z.object({
  comments: z.array(GraphComment).max(500).default([]),
  groups: z.array(GraphGroup).max(200).default([]),
}).strict();

export const Graph = z.object({
  schemaVersion: z.literal(1).default(1),
  nodes: z.array(GraphNode).max(2000),
  edges: z.array(GraphEdge).max(10_000),
  settings: BacktestSettings.default(BacktestSettings.parse({})),
  annotations: GraphAnnotations.optional(),
}).strict();

export type Graph = z.infer<typeof Graph>;
export type GraphInput = z.input<typeof Graph>;
export type GraphNode = z.infer<typeof GraphNode>;
export type GraphEdge = z.infer<typeof GraphEdge>;
export type BacktestSettings = z.infer<typeof BacktestSettings>;
export type GraphAnnotations = z.infer<typeof GraphAnnotations>;
export type GraphComment = z.infer<typeof GraphComment>;
export type GraphGroup = z.infer<typeof GraphGroup>;

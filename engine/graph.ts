import { z } from 'zod';

/**
 * The strategy graph: the plain JSON document the editor edits, the server stores and the compiler
 * reads. Node ids are stable keys chosen by the editor; titles are display only and never referenced.
 */
export const NodeId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, - and _ only');

export const GraphNode = z.object({
  id: NodeId,
  type: z.string().min(1).max(100),
  /** The node definition version the params were saved with; older params are migrated on compile. */
  version: z.number().int().min(1).default(1),
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }).default({ x: 0, y: 0 }),
  label: z.string().max(200).optional(),
});

export const PortRef = z.object({ node: NodeId, port: z.string().min(1).max(64) });

export const GraphEdge = z.object({ id: z.string().min(1).max(200), source: PortRef, target: PortRef });

export const BacktestSettings = z.object({
  initialCash: z.number().positive().max(1e12).default(100_000).meta({ title: 'Initial cash' }).describe('Starting cash in quote currency.'),
  commissionBps: z.number().min(0).max(1000).default(1).meta({ title: 'Commission (bps)' }).describe('Commission per fill, in basis points of notional.'),
  slippageBps: z.number().min(0).max(1000).default(2).meta({ title: 'Slippage (bps)' }).describe('Adverse price move per fill, in basis points.'),
});

export const Graph = z.object({
  schemaVersion: z.literal(1).default(1),
  nodes: z.array(GraphNode).max(2000),
  edges: z.array(GraphEdge).max(10_000),
  settings: BacktestSettings.default(BacktestSettings.parse({})),
});

export type Graph = z.infer<typeof Graph>;
export type GraphInput = z.input<typeof Graph>;
export type GraphNode = z.infer<typeof GraphNode>;
export type GraphEdge = z.infer<typeof GraphEdge>;
export type BacktestSettings = z.infer<typeof BacktestSettings>;

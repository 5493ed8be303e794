import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api.js';

/**
 * Auto-layout: the strategy graph → an ELK graph → new node positions. Data flows left to right, as a
 * trader reads a strategy (data, indicators, logic, orders). The mapping is pure and tested; only
 * `layoutGraph` loads ELK (lazily: it is a large script most sessions never need).
 */

/** A port's handle relative to its node's top-left corner, as the canvas measured it. */
export interface LayoutPort {
  name: string;
  side: 'in' | 'out';
  /** Centre of the handle; absent before the node was measured, when ELK spaces ports itself. */
  x?: number;
  y?: number;
}

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  ports: LayoutPort[];
}

export interface LayoutEdge {
  id: string;
  source: { node: string; port: string };
  target: { node: string; port: string };
}

export type Positions = Map<string, { x: number; y: number }>;

/** Space between columns (layers) and between nodes in a column, in canvas pixels. */
export const layoutSpacing = { layer: 90, node: 36 };

const portId = (node: string, side: LayoutPort['side'], name: string) => `${node}\u0000${side}\u0000${name}`;

/**
 * The ELK graph for a strategy. Ports sit on the west (inputs) and east (outputs) sides in the order
 * the node shows them; when the canvas measured the handles, at exactly their positions, so ELK routes
 * and orders nodes to keep wires short and uncrossed. Edges to a port that does not exist are dropped
 * (the compiler reports them; the layout should not fail over them).
 */
export function toElkGraph(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): ElkNode {
  const ports = new Set<string>();
  const children: ElkNode[] = nodes.map((n) => {
    const measured = n.ports.every((p) => p.x !== undefined && p.y !== undefined);
    let ins = 0;
    let outs = 0;
    const elkPorts: ElkPort[] = n.ports.map((p) => {
      const id = portId(n.id, p.side, p.name);
      ports.add(id);
      // ELK counts port indices clockwise from the top-left: down the east side, then up the west side,
      // so inputs listed top to bottom take falling indices.
      const index = p.side === 'out' ? outs++ : 10_000 - ins++;
      return {
        id,
        width: 1,
        height: 1,
        ...(measured ? { x: p.side === 'in' ? 0 : n.width - 1, y: p.y! } : {}),
        layoutOptions: { 'elk.port.side': p.side === 'in' ? 'WEST' : 'EAST', 'elk.port.index': String(index) },
      };
    });
    return {
      id: n.id,
      width: n.width,
      height: n.height,
      ports: elkPorts,
      layoutOptions: { 'elk.portConstraints': measured ? 'FIXED_POS' : 'FIXED_ORDER' },
    };
  });
  const ids = new Set(nodes.map((n) => n.id));
  const elkEdges: ElkExtendedEdge[] = edges.flatMap((e) => {
    const source = portId(e.source.node, 'out', e.source.port);
    const target = portId(e.target.node, 'in', e.target.port);
    if (!ids.has(e.source.node) || !ids.has(e.target.node)) return [];
    // A wire to a port the node no longer has still shapes the layout, from node to node.
    return [{ id: e.id, sources: [ports.has(source) ? source : e.source.node], targets: [ports.has(target) ? target : e.target.node] }];
  });
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(layoutSpacing.layer),
      'elk.spacing.nodeNode': String(layoutSpacing.node),
      'elk.spacing.componentComponent': String(layoutSpacing.node * 2),
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.semiInteractive': 'true',
      'elk.edgeRouting': 'SPLINES',
    },
    children,
    edges: elkEdges,
  };
}

/**
 * Node positions from ELK's answer, shifted so the laid-out graph's top-left corner lands on `origin`
 * (the corner the graph had): a layout tidies the graph in place instead of throwing it to (0, 0), and
 * ELK's own padding around the graph does not creep in.
 */
export function positionsFromElk(laidOut: ElkNode, origin: { x: number; y: number } = { x: 0, y: 0 }): Positions {
  const children = laidOut.children ?? [];
  const corner = originOf(children.map((c) => ({ x: c.x ?? 0, y: c.y ?? 0 })), false);
  const positions: Positions = new Map();
  for (const c of children) positions.set(c.id, { x: Math.round((c.x ?? 0) - corner.x + origin.x), y: Math.round((c.y ?? 0) - corner.y + origin.y) });
  return positions;
}

/** The top-left corner of the nodes as they stand now, where the layout puts its own corner. */
export function originOf(positions: Iterable<{ x: number; y: number }>, round = true): { x: number; y: number } {
  let x = Infinity;
  let y = Infinity;
  for (const p of positions) {
    x = Math.min(x, p.x);
    y = Math.min(y, p.y);
  }
  if (!Number.isFinite(x)) return { x: 0, y: 0 };
  return round ? { x: Math.round(x), y: Math.round(y) } : { x, y };
}

/** What the layout needs of ELK: one asynchronous layout call. */
export type ElkInstance = { layout(graph: ElkNode): Promise<ElkNode> };
let workerElk: Promise<ElkInstance> | undefined;

/**
 * ELK in a web worker: its 1.4 MB of compiled Java never touches the page's bundle or main thread, so
 * laying out a large strategy cannot freeze the canvas. The worker script is served as a plain asset.
 */
export function elkInWorker(): Promise<ElkInstance> {
  workerElk ??= Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?url')]).then(
    // A CommonJS module: its `module.exports` (the constructor) arrives as the default export, whatever its typings say.
    ([api, url]) => new (api as unknown as { default: new (options: { workerUrl: string }) => ElkInstance }).default({ workerUrl: url.default }),
  );
  return workerElk;
}

/**
 * Lay the graph out with ELK's layered algorithm; resolves to each node's new top-left corner. `engine`
 * is the ELK to use (outside a browser, e.g. in tests, the bundled in-thread build).
 */
export async function layoutGraph(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  origin: { x: number; y: number },
  engine: () => Promise<ElkInstance> = elkInWorker,
): Promise<Positions> {
  if (nodes.length === 0) return new Map();
  const laidOut = await (await engine()).layout(toElkGraph(nodes, edges));
  return positionsFromElk(laidOut, origin);
}

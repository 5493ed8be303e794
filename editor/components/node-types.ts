import type { NodeTypes } from '@xyflow/react';
import { StrategyNode } from './StrategyNode.tsx';

/** At module scope so React Flow never sees a new object and remounts every node. */
export const nodeTypes: NodeTypes = { strategy: StrategyNode };

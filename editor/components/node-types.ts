import type { NodeTypes } from '@xyflow/react';
import { CommentNode } from './CommentNode.tsx';
import { GroupNode } from './GroupNode.tsx';
import { StrategyNode } from './StrategyNode.tsx';

/** At module scope so React Flow never sees a new object and remounts every node. */
export const nodeTypes: NodeTypes = { strategy: StrategyNode, comment: CommentNode, frame: GroupNode };

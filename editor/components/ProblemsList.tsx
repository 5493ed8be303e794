import type { CompileError } from '../../engine/compile.ts';
import { useCatalogInfo } from '../catalog-context.ts';
import type { StrategyFlowNode } from '../graph-mapping.ts';

interface Props {
  errors: readonly CompileError[];
  nodes: readonly StrategyFlowNode[];
  onSelectNode: (id: string) => void;
}

/** Every compile problem: the strategy-wide ones first, then each node's, which select the node when clicked. */
export function ProblemsList({ errors, nodes, onSelectNode }: Props) {
  const { entry } = useCatalogInfo();
  if (errors.length === 0) return <div className="empty-note">No problems: the strategy compiles.</div>;
  const general = errors.filter((e) => !e.nodeId || !nodes.some((n) => n.id === e.nodeId));
  const onNodes = errors.filter((e) => e.nodeId && nodes.some((n) => n.id === e.nodeId));
  const title = (id: string) => {
    const node = nodes.find((n) => n.id === id);
    return node ? (node.data.label || entry(node.data.type)?.title || node.data.type) : id;
  };
  return (
    <ul className="problems" data-testid="problems">
      {general.map((e, i) => (
        <li key={`g${i}`} className="problem" data-testid="problem-general">
          <span className="problem-where">Strategy</span>
          <span>{e.message}</span>
        </li>
      ))}
      {onNodes.map((e, i) => (
        <li key={`n${i}`} className="problem">
          <button type="button" className="problem-where link" onClick={() => onSelectNode(e.nodeId!)}>
            {title(e.nodeId!)}
          </button>
          <span>{e.message}</span>
        </li>
      ))}
    </ul>
  );
}

import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useContext, useState, type ReactNode } from 'react';
import { categoryColors, DatasetNamesContext, useCatalogInfo, useNodeErrors } from '../catalog-context.ts';
import { diffBadges, useDiffStatus } from '../diff-context.ts';
import type { StrategyFlowNode } from '../graph-mapping.ts';
import { isCustomType, usePinnedEntry } from '../hooks/useCustomNodes.ts';
import { missingNodeText } from '../missing-node.ts';
import { paramSummary } from '../schema-form.ts';
import { CustomVersionBadge } from './custom/CustomVersionBadge.tsx';
import { nodeMetricsStyle } from './node-geometry.ts';

/**
 * The one canvas node component: title, key params, and typed ports. Handle ids are port names, and
 * each handle sits on the row that names it so the wiring reads like a form. Its geometry is fixed by
 * node-geometry.ts (`nodeMetricsStyle` sets the sizes styles.css lays it out with), which declares the
 * same size and handle positions to React Flow: any row added here must be added there too.
 */
function StrategyNodeView({ id, data, selected }: NodeProps<StrategyFlowNode>) {
  const { catalog, entry: lookup } = useCatalogInfo();
  const errors = useNodeErrors(id);
  const latest = lookup(data.type);
  // A custom node pinned to an older version is drawn with that version's ports.
  const entry = usePinnedEntry(data.type, data.version, latest);
  const diff = useDiffStatus(id);
  const classes = ['tl-node', selected ? 'is-selected' : '', errors.length ? 'has-error' : '', diff ? `diff-${diff}` : ''].join(' ');
  const diffBadge = diff && diffBadges[diff] ? <span className="tl-node-diff">{diffBadges[diff]}</span> : null;

  if (!entry) {
    return (
      <div className={`${classes} has-error`} data-testid={`node-${id}`} data-node-type={data.type} style={nodeMetricsStyle}>
        <div className="tl-node-header">
          <span className="tl-node-title">Unknown node</span>
          {diffBadge}
        </div>
        {/* The compiler's error on such a node says the same, so it is not listed again. */}
        <div className="tl-node-error" data-testid={`node-missing-${id}`}>
          {missingNodeText(data.type)}
        </div>
      </div>
    );
  }

  const rows = Math.max(entry.inputs.length, entry.outputs.length);
  const summary = paramSummary(entry.paramsSchema, data.params, 3, useContext(DatasetNamesContext));
  const badPorts = new Set(errors.map((e) => e.port).filter(Boolean));

  return (
    <div className={classes} data-testid={`node-${id}`} data-node-type={data.type} style={{ ...nodeMetricsStyle, ['--cat' as string]: categoryColors[entry.category] ?? '#90a4ae' }}>
      <div className="tl-node-header">
        <span className="tl-node-title">{data.label || entry.title}</span>
        {diffBadge}
        {errors.length > 0 && (
          <span className="tl-node-badge" title={`${errors.length} problem${errors.length > 1 ? 's' : ''}`}>
            {errors.length}
          </span>
        )}
      </div>
      {summary.length > 0 && <div className="tl-node-params">{summary.join(' · ')}</div>}
      {/* Only a custom node pinned to an older version has a badge (and its hooks): most nodes skip them. */}
      {latest && isCustomType(data.type) && data.version < latest.version && <CustomVersionBadge nodeId={id} data={data} latest={latest} />}
      <div className="tl-node-ports">
        {Array.from({ length: rows }, (_, i) => {
          const input = entry.inputs[i];
          const output = entry.outputs[i];
          return (
            <div className="tl-port-row" key={i}>
              {input ? (
                <Port
                  className={`tl-port tl-port-in${badPorts.has(input.name) ? ' is-bad' : ''}`}
                  tip={() => <PortTip side="in" name={input.name} kind={catalog.portKinds[input.kind]?.title ?? input.kind} description={input.description} optional={input.optional} />}
                >
                  <Handle type="target" position={Position.Left} id={input.name} className={`kind-${input.kind}`} style={{ ['--kind' as string]: catalog.portKinds[input.kind]?.color }} />
                  <span>{input.name}</span>
                  {input.optional && <span className="tl-port-opt">opt</span>}
                </Port>
              ) : (
                <span />
              )}
              {output ? (
                <Port className="tl-port tl-port-out" tip={() => <PortTip side="out" name={output.name} kind={catalog.portKinds[output.kind]?.title ?? output.kind} description={output.description} />}>
                  <span>{output.name}</span>
                  <Handle type="source" position={Position.Right} id={output.name} className={`kind-${output.kind}`} style={{ ['--kind' as string]: catalog.portKinds[output.kind]?.color }} />
                </Port>
              ) : (
                <span />
              )}
            </div>
          );
        })}
      </div>
      {errors.length > 0 && (
        <ul className="tl-node-errors" data-testid={`node-errors-${id}`}>
          {errors.slice(0, 3).map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
          {errors.length > 3 && <li>…and {errors.length - 3} more</li>}
        </ul>
      )}
    </div>
  );
}

/**
 * One port of a node: its handle and name, and its tooltip only while the pointer is over it. The
 * tooltips are most of a node's elements, so not mounting them until hovered makes a big strategy load
 * faster; hovering re-renders this one port, nothing else.
 */
function Port({ className, tip, children }: { className: string; tip: () => ReactNode; children: ReactNode }) {
  const [hovered, setHovered] = useState(false);
  return (
    <div className={className} onPointerEnter={() => setHovered(true)} onPointerLeave={() => setHovered(false)}>
      {children}
      {hovered && tip()}
    </div>
  );
}

/**
 * The port's name, kind and meaning, shown while the pointer is over its row or handle. Outside the
 * node, on the side the wire leaves from.
 */
function PortTip({ side, name, kind, description, optional }: { side: 'in' | 'out'; name: string; kind: string; description: string; optional?: boolean }) {
  return (
    <span className={`tl-port-tip tl-port-tip-${side}`} role="tooltip">
      <span className="tl-port-tip-head">
        <span className="mono">{name}</span>
        <span className="tl-port-tip-kind">{kind}</span>
        {optional && <span className="tl-port-tip-kind">optional</span>}
      </span>
      <span className="tl-port-tip-desc">{description}</span>
    </span>
  );
}

export const StrategyNode = memo(StrategyNodeView);

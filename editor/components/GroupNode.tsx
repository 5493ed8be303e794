import type { NodeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import { useAnnotationActions } from '../annotation-actions.ts';
import { diffBadges, useDiffStatus } from '../diff-context.ts';
import type { GroupFlowNode } from '../graph-mapping.ts';
import { Icon } from './Icon.tsx';

/**
 * A group: a labelled frame drawn around its member nodes. Only the title strip takes the pointer, so
 * the frame never blocks clicking, wiring or box-selecting the nodes inside it; dragging the strip
 * drags the members (see annotations.ts). Double-click the label to rename it. Read-only, with its diff
 * status, where no document owns it (the version diff).
 */
function GroupNodeView({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const actions = useAnnotationActions();
  const diff = useDiffStatus(id);
  const [editing, setEditing] = useState(false);
  const count = data.members.length;
  return (
    <div className={`tl-group${selected ? ' is-selected' : ''}${diff ? ` diff-${diff}` : ''}`} data-testid={`group-${id}`} data-diff={diff}>
      <div className="tl-group-head" title="Drag to move the group with its nodes; double-click the name to rename it">
        <Icon name="group" size={12} />
        {editing && actions ? (
          <input
            className="tl-group-input nodrag"
            type="text"
            value={data.label}
            maxLength={200}
            aria-label="Group name"
            autoFocus
            onChange={(e) => actions.setGroupLabel(id, e.target.value)}
            onBlur={() => setEditing(false)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === 'Escape') {
                e.stopPropagation();
                setEditing(false);
              }
            }}
            data-testid={`group-input-${id}`}
          />
        ) : (
          <span className="tl-group-label" onDoubleClick={() => setEditing(actions !== null)} data-testid={`group-label-${id}`}>
            {data.label || 'Group'}
          </span>
        )}
        <span className="tl-group-count">
          {count} node{count === 1 ? '' : 's'}
        </span>
        {diff && diffBadges[diff] && <span className="tl-node-diff">{diffBadges[diff]}</span>}
        {actions && (
          <button type="button" className="tl-annotation-remove nodrag" onClick={() => actions.removeAnnotation(id)} aria-label="Ungroup" title="Ungroup (the nodes stay)">
            <Icon name="cross" size={10} />
          </button>
        )}
      </div>
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);

import type { NodeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import { useAnnotationActions } from '../annotation-actions.ts';
import type { GroupFlowNode } from '../graph-mapping.ts';
import { Icon } from './Icon.tsx';

/**
 * A group: a labelled frame drawn around its member nodes. Only the title strip takes the pointer, so
 * the frame never blocks clicking, wiring or box-selecting the nodes inside it; dragging the strip
 * drags the members (see annotations.ts). Double-click the label to rename it.
 */
function GroupNodeView({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const actions = useAnnotationActions();
  const [editing, setEditing] = useState(false);
  const count = data.members.length;
  return (
    <div className={`tl-group${selected ? ' is-selected' : ''}`} data-testid={`group-${id}`}>
      <div className="tl-group-head" title="Drag to move the group with its nodes; double-click the name to rename it">
        <Icon name="group" size={12} />
        {editing ? (
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
          <span className="tl-group-label" onDoubleClick={() => setEditing(true)} data-testid={`group-label-${id}`}>
            {data.label || 'Group'}
          </span>
        )}
        <span className="tl-group-count">
          {count} node{count === 1 ? '' : 's'}
        </span>
        <button type="button" className="tl-annotation-remove nodrag" onClick={() => actions.removeAnnotation(id)} aria-label="Ungroup" title="Ungroup (the nodes stay)">
          <Icon name="cross" size={10} />
        </button>
      </div>
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);

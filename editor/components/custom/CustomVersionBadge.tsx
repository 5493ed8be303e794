import { useReactFlow } from '@xyflow/react';
import type { CatalogEntry } from '../../../nodes/registry.ts';
import type { StrategyNodeData } from '../../graph-mapping.ts';
import { isCustomType, upgradeParams } from '../../hooks/useCustomNodes.ts';

/**
 * On a custom node pinned to an older version: "v3 available — update". Offered, never applied by
 * itself: the strategy keeps running the code it was tested with until the user chooses the newer one.
 */
export function CustomVersionBadge({ nodeId, data, latest }: { nodeId: string; data: StrategyNodeData; latest: CatalogEntry }) {
  const { updateNodeData } = useReactFlow();
  if (!isCustomType(data.type) || data.version >= latest.version) return null;
  return (
    <button
      type="button"
      className="tl-node-update nodrag"
      onClick={(e) => {
        e.stopPropagation();
        updateNodeData(nodeId, { version: latest.version, params: upgradeParams(data.params, latest) });
      }}
      title={`This node runs version ${data.version}. Update it to version ${latest.version}; its params are kept where the new version has them.`}
      data-testid={`node-update-${nodeId}`}
    >
      v{latest.version} available — update
    </button>
  );
}

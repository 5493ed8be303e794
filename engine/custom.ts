import type { AnyNodeDefinition, BatchRunner } from '../nodes/contract.ts';
import { InstanceSnapshot } from '../sandbox/api/schema.ts';
import type { Sandbox, SandboxPool, LoadedNode } from '../sandbox/client.ts';

/**
 * What the engine needs from a sandbox (a `Sandbox` or a `SandboxPool`). `snapshot` is what lets a
 * deployment save a custom node's state between bars; without it the node runs in backtests only.
 */
export type SandboxLike = Pick<Sandbox | SandboxPool, 'createInstance' | 'runBatch' | 'dispose'> & Partial<Pick<Sandbox | SandboxPool, 'snapshot'>>;

/** The registry type of a custom node: `custom.<its type>`. */
export const customType = (type: string): string => `custom.${type}`;

/**
 * A custom node loaded in a sandbox, as a node definition the compiler and the executor take like any
 * other. It runs in batches (`batch`), never through `step`. `version` is the stored version the graph
 * pins (graph nodes carry it in `version`); each version is its own definition, so there are no params
 * migrations between versions: a newer version is offered to the user, never applied silently.
 */
export function customNodeDefinition(loaded: LoadedNode, version: number, sandbox: SandboxLike): AnyNodeDefinition {
  const batch: BatchRunner = {
    async open(params, seed, snapshot) {
      let saved: InstanceSnapshot | undefined;
      if (snapshot !== undefined) {
        const parsed = InstanceSnapshot.safeParse(snapshot);
        if (!parsed.success) throw new Error(`custom node ${loaded.type}: the saved state is not a sandbox snapshot`);
        // The snapshot names the source it was taken from (its hash): another version's state is refused.
        if (parsed.data.node !== loaded.id) throw new Error(`custom node ${loaded.type} v${version}: the saved state belongs to another version of its code`);
        saved = parsed.data;
      }
      const handle = await sandbox.createInstance(loaded.id, params, { seed, snapshot: saved });
      const take = sandbox.snapshot?.bind(sandbox);
      return {
        run: (inputs, length) => sandbox.runBatch(handle, inputs, length),
        ...(take ? { snapshot: () => take(handle) } : {}),
        close: () => sandbox.dispose(handle),
      };
    },
  };
  return Object.freeze({
    type: customType(loaded.type),
    version,
    category: 'custom',
    title: loaded.title,
    description: loaded.description,
    docs: {
      example: '',
      caveats: [
        'A custom node: its code runs in the sandbox, a block of bars at a time. It sees only its inputs (no account, no clock), and its inputs must come from data and pure nodes.',
      ],
    },
    inputs: loaded.inputs,
    outputs: loaded.outputs,
    params: loaded.paramsSchema,
    init: () => ({}),
    step() {
      throw new Error(`${loaded.type} is a custom node: it runs in batches in the sandbox`);
    },
    batch,
  } satisfies AnyNodeDefinition);
}

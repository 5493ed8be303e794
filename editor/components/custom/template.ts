/**
 * The source a new custom node starts from: a complete, working node (a rate of change over N bars)
 * that shows every part of the contract, so a user edits rather than writes from nothing.
 */
export const starterTemplate = `import { defineNode, z } from 'tradeloom/node';

/**
 * A custom node: TypeScript that runs in Tradeloom's sandbox, one closed bar at a time.
 * Change the type, ports and step; press Test to chart it on sample data, Save to use it in strategies.
 */
export default defineNode({
  type: 'myRateOfChange', // camelCase, unique among your nodes; graphs use custom.myRateOfChange
  title: 'My rate of change',
  description: 'Percent change of the input over the last N bars.',
  inputs: {
    source: { kind: 'price', description: 'Usually the close.' },
  },
  outputs: {
    value: { kind: 'number', description: 'Change in percent.' },
  },
  params: z.object({
    period: z.number().int().min(1).max(500).default(10).describe('Bars to look back.'),
  }),
  // Plain data only: state is saved as JSON between runs.
  init: () => ({ window: [] as number[] }),
  step(state, params, input, out) {
    state.window.push(input.source);
    if (state.window.length > params.period + 1) state.window.shift();
    if (state.window.length <= params.period) return; // outputs stay NaN while warming up
    const past = state.window[0];
    out.value = ((input.source - past) / past) * 100;
  },
});
`;

// The workflow bundle's entry point: Temporal bundles this file (and only workflow code) for its sandbox.
export { backtestWorkflow } from './backtest.ts';
export { researchWorkflow } from './research.ts';
export { deploymentWorkflow } from './deployment.ts';

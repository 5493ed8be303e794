import { z } from 'zod';
import { CcxtConfig } from './adapters/ccxt.ts';
import { ParamChange } from './param-change.ts';

/** Where a deployment's orders go: the paper venue (SimBroker fills on live bars) or a real venue via ccxt. */
export const VenueConfig = z.discriminatedUnion('kind', [z.object({ kind: z.literal('paper') }).strict(), CcxtConfig.extend({ kind: z.literal('ccxt') }).strict()]);
export type VenueConfig = z.infer<typeof VenueConfig>;

/** A control a person (or the platform) applies to a running deployment. */
export const DeploymentControl = z
  .object({
    action: z.enum(['pause', 'resume', 'kill', 'releaseKill', 'reenable', 'stop', 'params']),
    by: z.string().min(1).max(200).default('api'),
    /** The `params` action's change: node params and/or risk limits (trading/param-change.ts). */
    change: ParamChange.optional(),
  })
  .refine((c) => (c.action === 'params') === (c.change !== undefined), { message: 'a change goes with the params action, and only with it', path: ['change'] });
export type DeploymentControl = z.infer<typeof DeploymentControl>;

/** What the workflow keeps and its query returns: small on purpose, it lands in workflow history. */
export interface DeploymentSummary {
  id: string;
  mode: 'paper' | 'shadow' | 'live';
  status: 'running' | 'paused' | 'stopped' | 'failed';
  tradingState: 'ACTIVE' | 'REDUCING' | 'HALTED';
  barsProcessed: number;
  cursor: number | null;
  equity: number | null;
  position: number;
  lastPrice: number | null;
  halt: string | null;
  killSwitch: boolean;
}

/** Base and quote assets of a unified symbol: BTC/USDT → BTC, USDT. */
export function assetsOf(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  return { base: base ?? symbol, quote: quote ?? 'USD' };
}

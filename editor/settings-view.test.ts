import { describe, expect, it } from 'vitest';
import { fieldsOf } from './schema-form.ts';
import { settingsLayout, settingsSummary } from './settings-view.ts';

const n = (def: number) => ({ type: 'number', default: def, minimum: 0 });
const schema = {
  type: 'object',
  properties: {
    initialCash: n(100_000),
    commissionBps: n(1),
    commissionFixed: n(0),
    slippageModel: { type: 'string', enum: ['bps', 'ticks', 'volatility'], default: 'bps' },
    slippageBps: n(2),
    slippageTicks: n(1),
    tickSize: n(0.01),
    slippageVolatility: n(0.1),
    maxLeverage: n(1),
  },
};
const fields = fieldsOf(schema);
const keys = (fs: { key: string }[]) => fs.map((f) => f.key);

describe('settings layout', () => {
  it('puts cash and the costs of the chosen slippage model first and folds the rest', () => {
    const bps = settingsLayout(fields, {});
    expect(keys(bps.main)).toEqual(['initialCash', 'commissionBps', 'slippageModel', 'slippageBps']);
    expect(keys(bps.more)).toEqual(['commissionFixed', 'maxLeverage']);
    const ticks = settingsLayout(fields, { slippageModel: 'ticks' });
    expect(keys(ticks.main)).toEqual(['initialCash', 'commissionBps', 'slippageModel', 'slippageTicks', 'tickSize']);
  });

  it('counts folded fields that differ from their defaults', () => {
    expect(settingsLayout(fields, { commissionFixed: 0, maxLeverage: 1 }).moreChanged).toBe(0);
    expect(settingsLayout(fields, { commissionFixed: 2.5, maxLeverage: 1 }).moreChanged).toBe(1);
  });

  it('works with a server that only knows cash, commission and bps slippage', () => {
    const old = fieldsOf({ type: 'object', properties: { initialCash: n(100_000), commissionBps: n(1), slippageBps: n(2) } });
    expect(keys(settingsLayout(old, {}).main)).toEqual(['initialCash', 'commissionBps', 'slippageBps']);
  });
});

describe('settings summary', () => {
  it('says cash, fee and slippage in one short line', () => {
    expect(settingsSummary({ initialCash: 100_000, commissionBps: 1, slippageBps: 2 })).toBe('Cash 100K · Fee 1 bps · Slip 2 bps');
    expect(settingsSummary({ initialCash: 2500, commissionBps: 0.5, commissionFixed: 1, slippageModel: 'ticks', slippageTicks: 2 })).toBe('Cash 2,500 · Fee 0.5 bps+ · Slip 2 ticks');
    expect(settingsSummary({ slippageModel: 'volatility', slippageVolatility: 0.25 })).toBe('Cash 100K · Fee 1 bps · Slip 0.25σ');
  });
});

import { describe, expect, it } from 'vitest';
import { syntheticBars } from '../engine/bars.ts';
import { SimBroker, type Fill } from '../engine/broker.ts';
import { BacktestSettings } from '../engine/graph.ts';
import { mulberry32 } from '../engine/random.ts';
import { orderFields, OrderType } from '../nodes/ports.ts';
import { initialPaperState, PaperBroker, type Bar } from './adapters/paper.ts';
import { planInstruction, sameInstruction } from './gateway.ts';
import type { Instruction } from './strategy-runner.ts';
import {
  checkEntry,
  checkExit,
  endBar,
  initialSyntheticState,
  isTradableBar,
  observeFill,
  runSyntheticBar,
  SyntheticState,
  takeInstruction,
  type SyntheticIO,
} from './synthetic-orders.ts';

const ins = (over: Partial<Instruction> = {}): Instruction => ({ target: 10, type: 0, limit: NaN, stop: NaN, expiry: 0, stopLoss: NaN, takeProfit: NaN, trail: NaN, ...over });
const bar = (time: number, open: number, high: number, low: number, close = open, volume = 1000): Bar => ({ time, open, high, low, close, volume });
const H = 3_600_000;

describe('synthetic levels on one bar (the backtest broker\'s rules)', () => {
  const long = (over: Partial<Instruction>) => observeFill(takeInstruction(initialSyntheticState(), ins(over), 0, 0, true), 0, 10, 100, H, true);

  it('a stop-loss inside the bar fills at its level; gapped through at the open, at the open', () => {
    const s = long({ stopLoss: 95 });
    expect(checkExit(s, bar(2 * H, 99, 100, 94), 10)).toEqual({ reason: 'stopLoss', order: { side: 'sell', quantity: 10, type: 'market', fill: { type: 'stop', stop: 95 } } });
    expect(checkExit(s, bar(2 * H, 99, 100, 96), 10)).toBeUndefined();
    // The fill type carries the level; the paper venue's SimBroker turns a gap into the open.
    expect(checkExit(s, bar(2 * H, 90, 91, 89), 10)?.reason).toBe('stopLoss');
  });

  it('both levels inside one bar: the stop is assumed first; a take-profit gapped at the open wins', () => {
    const s = long({ stopLoss: 95, takeProfit: 110 });
    expect(checkExit(s, bar(2 * H, 100, 111, 94), 10)?.reason).toBe('stopLoss');
    expect(checkExit(s, bar(2 * H, 112, 113, 94), 10)).toMatchObject({ reason: 'takeProfit', order: { fill: { type: 'limit', limit: 110 } } });
    expect(checkExit(s, bar(2 * H, 100, 111, 99), 10)?.reason).toBe('takeProfit');
  });

  it('exits only guard a position on the side of the instruction that set them', () => {
    const s = long({ stopLoss: 95 });
    expect(checkExit(s, bar(2 * H, 99, 100, 90), -10)).toBeUndefined();
    expect(checkExit({ ...s, side: 0 }, bar(2 * H, 99, 100, 90), 10)?.reason).toBe('stopLoss'); // a target of 0 guards any side
  });

  it('the trailing stop hangs from the best high of the bars seen whole, and the tighter stop acts', () => {
    let s = long({ trail: 0.1, stopLoss: 85 });
    expect(s.anchor).toBe(100);
    s = endBar(s, bar(H, 100, 120, 99), 10, true); // filled at this bar's open: the whole bar counts
    expect(s.anchor).toBe(120);
    expect(checkExit(s, bar(2 * H, 115, 116, 107), 10)).toMatchObject({ reason: 'trailingStop', order: { fill: { type: 'stop', stop: 108 } } });
    // Entered inside a bar: that bar's extremes do not move the anchor.
    const inside = observeFill(takeInstruction(initialSyntheticState(), ins({ trail: 0.1 }), 0, 0, true), 0, 10, 100, H, false);
    expect(endBar(inside, bar(H, 100, 130, 99), 10, true).anchor).toBe(100);
  });

  it('a stop entry triggers at the open on a gap, else inside the bar; a day order lapses at the next UTC day', () => {
    const s = takeInstruction(initialSyntheticState(), ins({ type: OrderType.stop, stop: 105, expiry: -1 }), 0, 0, true);
    expect(s.entry).toMatchObject({ target: 10, type: 'stop', stop: 105, dayOrder: true });
    expect(checkEntry(s, bar(H, 106, 107, 105), 0)).toMatchObject({ triggered: true, atOpen: true });
    expect(checkEntry(s, bar(H, 100, 106, 99), 0)).toMatchObject({ triggered: true, atOpen: false });
    const first = checkEntry(s, bar(H, 100, 101, 99), 0);
    expect(first.triggered).toBe(false);
    expect(checkEntry(first.state, bar(25 * H, 110, 111, 109), 0)).toMatchObject({ triggered: false, state: { entry: null } });
  });

  it('an n-bar entry lives n worked bars; paused bars do not count', () => {
    let s = takeInstruction(initialSyntheticState(), ins({ type: OrderType.stop, stop: 105, expiry: 2 }), 0, 0, true);
    s = endBar(s, bar(H, 100, 101, 99), 0, false);
    expect(s.entry?.barsLeft).toBe(2);
    s = endBar(s, bar(2 * H, 100, 101, 99), 0, true);
    expect(s.entry?.barsLeft).toBe(1);
    expect(endBar(s, bar(3 * H, 100, 101, 99), 0, true).entry).toBeNull();
  });

  it('the state survives JSON (no NaN in it) and refuses garbage', () => {
    const s = long({ stopLoss: 95, takeProfit: NaN, trail: 0.05 });
    expect(SyntheticState.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(s.takeProfit).toBeNull();
    expect(() => SyntheticState.parse({ version: 2 })).toThrow();
  });

  it('a NaN, infinite or non-positive bar is not tradable', () => {
    expect(isTradableBar(bar(H, 100, 101, 99))).toBe(true);
    for (const x of [NaN, Infinity, -Infinity, 0, -1]) expect(isTradableBar(bar(H, 100, 101, 99, x))).toBe(false);
    expect(isTradableBar(bar(H, 100, 99, 101))).toBe(false); // high below low
  });
});

/**
 * The deployment's loop for one symbol on the paper venue, as `stepDeployment` runs it: the bar's venue
 * and synthetic orders, then the instruction through the gateway's plan. Every order is allowed (the gate
 * is tested on its own).
 */
async function paperDeployment(settings: BacktestSettings, bars: Bar[], instructions: Instruction[]) {
  const paper = new PaperBroker(settings, initialPaperState(settings.initialCash, 0));
  const exits = new Set<string>();
  let syn = initialSyntheticState();
  let last: Instruction | undefined;
  const cancelWorking = async () => {
    for (const o of await paper.openOrders('X')) if (!exits.has(o.clientOrderId)) await paper.cancelOrder('X', o.clientOrderId);
  };
  for (let t = 0; t < bars.length; t++) {
    const b = bars[t]!;
    const io: SyntheticIO = {
      venuePhase: (phase) => paper.onBar('X', b, phase),
      submit: async (kind, reason, order) => {
        const clientOrderId = `${t}:${kind}:${reason}`;
        if (kind === 'exit') exits.add(clientOrderId);
        const req = { clientOrderId, symbol: 'X', side: order.side, quantity: order.quantity, type: order.type, ...(order.limitPrice !== undefined && { limitPrice: order.limitPrice }) };
        if (order.fill) return { fills: paper.placeTriggered(req, b, order.fill).fills, clientOrderId };
        await paper.placeOrder(req);
        return { fills: [], clientOrderId };
      },
      cancelEntries: cancelWorking,
      working: async (id) => (await paper.fetchOrder('X', id))?.status === 'open',
      cancel: async (id) => void (await paper.cancelOrder('X', id)),
    };
    syn = (await runSyntheticBar(syn, b, paper.state.positions.X ?? 0, io, true)).state;
    const position = paper.state.positions.X ?? 0;
    const i = instructions[t]!;
    if (i.target !== i.target || sameInstruction(last, i)) continue;
    const action = planInstruction(i, { deploymentId: 'd', barTime: b.time, nodeId: 'order', symbol: 'X', position, last });
    if (action.kind === 'replace') {
      await cancelWorking();
      if (action.order) await paper.placeOrder(action.order);
    }
    syn = takeInstruction(syn, i, position, b.time, action.kind === 'replace' && action.synthetic === true);
    last = i;
  }
  return paper.state.fills.map((f) => ({ time: f.time, quantity: f.side === 'buy' ? f.quantity : -f.quantity, price: f.price, commission: f.fee }));
}

function backtest(settings: BacktestSettings, bars: Bar[], instructions: Instruction[]): Fill[] {
  const broker = new SimBroker(settings);
  const slots = new Float64Array(orderFields.length);
  bars.forEach((b, t) => {
    broker.onBar(t, b.time, b.open, b.high, b.low, b.close, b.volume);
    orderFields.forEach((f, j) => (slots[j] = instructions[t]![f]));
    broker.instruct(t, slots, 0);
  });
  return broker.fills;
}

/** Random instructions that change every few bars: every order type, expiries on stops, every exit. */
function randomInstructions(bars: Bar[], seed: number): Instruction[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  let current = ins({ target: NaN });
  return bars.map((b) => {
    if (rnd() < 0.2) {
      const target = pick([0, 10, 10, -10, 5, -5]);
      const side = Math.sign(target) || 1;
      const type = pick([OrderType.market, OrderType.limit, OrderType.stop, OrderType.stopLimit]);
      const away = (pct: number) => b.close * (1 + (side * pct) / 100);
      current = ins({
        target,
        type,
        // Limits sit below the close for a buy, stops above it (and the mirror for a sell).
        limit: type === OrderType.limit ? away(-rnd() * 2) : type === OrderType.stopLimit ? away(1 + rnd()) : NaN,
        stop: type === OrderType.stop || type === OrderType.stopLimit ? away(rnd() * 2) : NaN,
        expiry: type === OrderType.stop || type === OrderType.stopLimit ? pick([0, 3, -1]) : 0,
        stopLoss: rnd() < 0.6 ? away(-1 - rnd() * 3) : NaN,
        takeProfit: rnd() < 0.5 ? away(1 + rnd() * 4) : NaN,
        trail: rnd() < 0.3 ? 0.01 + rnd() * 0.03 : NaN,
      });
    }
    return rnd() < 0.1 ? ins({ target: NaN }) : current;
  });
}

describe('a paper deployment with synthetic orders trades as its backtest', () => {
  const series = (seed: number) => {
    const b = syntheticBars({ seed, bars: 400, startPrice: 100, drift: 0, volatility: 0.4, intervalMinutes: 60, startTime: Date.UTC(2026, 0, 1) });
    return Array.from(b.time, (time, t) => ({ time, open: b.open[t]!, high: b.high[t]!, low: b.low[t]!, close: b.close[t]!, volume: b.volume[t]! }));
  };

  for (const seed of Array.from({ length: 12 }, (_, k) => k + 1)) {
    it(`fill for fill: stop and stop-limit entries, stop-loss, take-profit and trailing stops (seed ${seed})`, async () => {
      const settings = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 5, slippageBps: 3 });
      const bars = series(seed);
      const instructions = randomInstructions(bars, seed * 7919);
      const expected = backtest(settings, bars, instructions);
      const got = await paperDeployment(settings, bars, instructions);
      expect(expected.filter((f) => f.reason).length).toBeGreaterThan(0); // protective exits did happen
      expect(got).toEqual(expected.map((f) => ({ time: f.time, quantity: f.quantity, price: f.price, commission: f.commission })));
    });
  }

  it('ticks slippage on stops, none on take-profits, as in the backtest', async () => {
    const settings = BacktestSettings.parse({ initialCash: 100_000, commissionBps: 1, slippageModel: 'ticks', slippageTicks: 2, tickSize: 0.01 });
    const bars = series(11);
    const instructions = randomInstructions(bars, 4242);
    const got = await paperDeployment(settings, bars, instructions);
    expect(got).toEqual(backtest(settings, bars, instructions).map((f) => ({ time: f.time, quantity: f.quantity, price: f.price, commission: f.commission })));
  });
});

import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../engine/backtest.ts';
import { readsContext } from '../../../engine/execute.ts';
import { compileOk, fixture, makeBars } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { webhookAlert } from './index.ts';
import { formatAlertNumber, renderMessage, unknownPlaceholders } from './message.ts';

const url = 'https://alerts.example.com/tradeloom';
const when = [NaN, 0, 1, 1, NaN, 1, 0, 0, 1, 0];

describe('output.webhookAlert', () => {
  it('declares a webhook sink and reads the context, so it steps in the per-bar phase', () => {
    expect(webhookAlert.sink).toEqual({ kind: 'webhook' });
    expect(readsContext(webhookAlert.step)).toBe(true);
  });

  it('onRise (the default) alerts when the condition turns true, never on NaN', () => {
    expect(runNode(webhookAlert, { params: { url }, inputs: { when } }).fired).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('onTrue, onChange and everyBar follow the shared emit rule', () => {
    expect(runNode(webhookAlert, { params: { url, mode: 'onTrue' }, inputs: { when } }).fired).toEqual([0, 0, 1, 1, 0, 1, 0, 0, 1, 0]);
    expect(runNode(webhookAlert, { params: { url, mode: 'onChange' }, inputs: { when } }).fired).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 1, 1]);
    expect(runNode(webhookAlert, { params: { url, mode: 'everyBar' }, inputs: { when } }).fired).toEqual(when.map(() => 1));
  });

  it('a NaN condition never alerts, whatever the value inputs hold', () => {
    for (const mode of ['onTrue', 'onRise', 'onChange'] as const) {
      expect(runNode(webhookAlert, { params: { url, mode }, inputs: { when: [NaN, NaN], value: [1, 2], price: [100, 101] } }).fired).toEqual([0, 0]);
    }
  });

  it('cooldown N keeps the N bars after an alert quiet; alerts due then are dropped, not delayed', () => {
    const on = [1, 1, 1, 1, 1, 1, 1];
    expect(runNode(webhookAlert, { params: { url, mode: 'onTrue', cooldownBars: 2 }, inputs: { when: on } }).fired).toEqual([1, 0, 0, 1, 0, 0, 1]);
    // A rise inside the quiet window is lost: the condition is still read, so bar 4 is no new rise.
    const blips = [1, 0, 1, 1, 1, 0, 1];
    expect(runNode(webhookAlert, { params: { url, mode: 'onRise', cooldownBars: 2 }, inputs: { when: blips } }).fired).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(runNode(webhookAlert, { params: { url, mode: 'onRise', cooldownBars: 0 }, inputs: { when: blips } }).fired).toEqual([1, 0, 1, 0, 0, 0, 1]);
  });

  it('cooldown counts the bars the node steps, NaN bars included', () => {
    const { fired } = runNode(webhookAlert, { params: { url, mode: 'onTrue', cooldownBars: 1 }, inputs: { when: [1, NaN, 1, 1] } });
    expect(fired).toEqual([1, 0, 1, 0]);
  });

  it('accepts only http(s) URLs without credentials', () => {
    for (const ok of [url, 'http://203.0.113.7:8080/hook?x=1', 'https://[2001:db8::1]/a']) expect(webhookAlert.params.safeParse({ url: ok }).success, ok).toBe(true);
    for (const bad of ['ftp://example.com/x', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@example.com/', 'https://token@example.com/', 'example.com', '', `https://example.com/${'x'.repeat(2048)}`]) {
      expect(webhookAlert.params.safeParse({ url: bad }).success, bad).toBe(false);
    }
    expect(webhookAlert.params.safeParse({}).success).toBe(false);
  });

  it('takes a secret by name only: a pasted secret is refused, so it never lands in the graph', () => {
    expect(webhookAlert.params.parse({ url, secretName: 'DESK_2' }).secretName).toBe('DESK_2');
    expect(webhookAlert.params.parse({ url }).secretName).toBeUndefined();
    for (const secretName of ['whsec_3f9a0c1b2d4e5f60718293a4b5c6d7e8', 'desk', '2DESK', 'A'.repeat(41), 'DESK-2']) {
      expect(webhookAlert.params.safeParse({ url, secretName }).success, secretName).toBe(false);
    }
  });

  it('refuses a message with an unknown placeholder, naming it and the known ones', () => {
    const r = webhookAlert.params.safeParse({ url, message: '{symbol} crossed at {prize}' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/unknown placeholder \{prize\}; use \{symbol\} \{time\} \{bar\} \{value\} \{price\} \{node\}/);
    expect(webhookAlert.params.safeParse({ url, message: 'JSON-ish {"a": 1} and {value}' }).success).toBe(true);
    expect(webhookAlert.params.safeParse({ url, message: 'x'.repeat(1001) }).success).toBe(false);
    expect(webhookAlert.params.safeParse({ url, cooldownBars: -1 }).success).toBe(false);
    expect(webhookAlert.params.safeParse({ url, cooldownBars: 1.5 }).success).toBe(false);
  });
});

describe('output.webhookAlert in a backtest', () => {
  it('records its alerts as events (sending nothing), with the cooldown applied', async () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
        order: { type: 'order.targetPercent' },
        alert: { type: 'output.webhookAlert', params: { url, mode: 'onTrue', cooldownBars: 1 } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'on.result -> alert.when', 'data.close -> alert.price', 'data.volume -> alert.value'],
    );
    const bars = makeBars({ close: [101, 102, 103, 99, 104, 105], volume: [10, 20, 30, 40, 50, 60] });
    const result = await runBacktest(compileOk(graph), bars);
    expect(result.events).toEqual([0, 2, 4].map((bar) => ({
      nodeId: 'alert',
      kind: 'webhook',
      time: bars.time[bar],
      bar,
      values: { when: 1, value: bars.volume[bar], price: bars.close[bar] },
    })));
  });
});

describe('alert message rendering', () => {
  const event = { nodeId: 'rsiAlert', time: Date.UTC(2024, 2, 1, 14), bar: 42, symbol: 'BTC-USD', values: { when: 1, value: 27.123456789123, price: null } };

  it('fills every placeholder, unknown numbers as n/a, and leaves other braces alone', () => {
    const text = renderMessage('{node} {symbol} {time} #{bar} rsi={value} px={price} {"raw": true}', event);
    expect(text).toBe('rsiAlert BTC-USD 2024-03-01T14:00:00.000Z #42 rsi=27.12345679 px=n/a {"raw": true}');
  });

  it('writes numbers a person can read: integers as they are, at most 10 significant digits, n/a for NaN', () => {
    expect([3, 0.1 + 0.2, 1234567.891011, NaN, Infinity, null].map(formatAlertNumber)).toEqual(['3', '0.3', '1234567.891', 'n/a', 'n/a', 'n/a']);
  });

  it('lists the placeholders it would not fill', () => {
    expect(unknownPlaceholders('{symbol} {foo} {time} {bar_2}')).toEqual(['foo', 'bar_2']);
  });

  it('renders an empty symbol for a run without one', () => {
    expect(renderMessage('[{symbol}]', { ...event, symbol: undefined })).toBe('[]');
  });
});

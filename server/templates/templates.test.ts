import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../engine/backtest.ts';
import { compile } from '../../engine/compile.ts';
import { loadMarket } from '../../engine/data.ts';
import { registry } from '../../nodes/index.ts';
import { findTemplate, loadTemplates, templates } from './index.ts';
import { StrategyTemplate } from './schema.ts';

const folder = new URL('./', import.meta.url);
const files = readdirSync(folder).filter((f) => f.endsWith('.json'));

/** The eight themes of issue #5, each with the template that covers it. */
const themes = {
  'trend following': 'trend-following',
  'mean reversion': 'mean-reversion',
  breakout: 'breakout',
  'volatility targeting': 'volatility-targeting',
  'regime switching': 'regime-switching',
  'pairs / spread': 'spread-mean-reversion',
  'momentum rotation': 'momentum-rotation',
  'RSI with stop': 'rsi-with-stop',
};

// How the editor draws a node (editor/styles.css: 196 px wide; header, params line, 20 px per port row).
const nodeWidth = 196;
const nodeHeight = (type: string) => {
  const def = registry.get(type)!;
  return 56 + 20 * Math.max(Object.keys(def.inputs).length, Object.keys(def.outputs).length);
};

describe('strategy templates', () => {
  it('lists every JSON file in the folder exactly once, with unique ids, covering the eight themes', () => {
    expect(templates.length).toBeGreaterThanOrEqual(8);
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
    expect(templates.map((t) => `${t.id}.json`).sort()).toEqual([...files].sort());
    for (const [theme, id] of Object.entries(themes)) expect(findTemplate(id), theme).toBeDefined();
  });

  it.each(files)('%s validates against the schema as written', (file) => {
    const raw = JSON.parse(readFileSync(new URL(file, folder), 'utf8'));
    const parsed = StrategyTemplate.safeParse(raw);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(`${raw.id}.json`).toBe(file);
  });

  it.each(templates.map((t) => [t.id, t] as const))('%s compiles, backtests on its own synthetic data and trades', async (_id, template) => {
    const compiled = compile(template.graph, registry);
    expect(compiled.ok ? [] : compiled.errors).toEqual([]);
    if (!compiled.ok) return;
    const { plan } = compiled;
    expect(plan.data.request.kind).toBe('synthetic');

    // The order reaching the broker passes a risk gate last.
    const consumed = new Set(template.graph.edges.map((e) => `${e.source.node}.${e.source.port}`));
    const sinks = template.graph.nodes.filter((n) => registry.get(n.type)!.outputs.order && !consumed.has(`${n.id}.order`));
    expect(sinks.map((n) => registry.get(n.type)!.category)).toEqual(['risk']);

    const bars = await loadMarket(plan.data.request, async () => undefined);
    const result = await runBacktest(plan, bars);
    expect(result.trades.filter((t) => !t.open).length).toBeGreaterThanOrEqual(1);
    expect(result.metrics.trades).toBeGreaterThanOrEqual(1);
    for (const [key, value] of Object.entries(result.metrics)) {
      if (value !== null) expect(Number.isFinite(value), key).toBe(true);
    }
  });

  it.each(templates.map((t) => [t.id, t] as const))('%s is laid out left to right without overlapping nodes', (_id, template) => {
    const at = new Map(template.graph.nodes.map((n) => [n.id, n]));
    for (const e of template.graph.edges) {
      expect(at.get(e.source.node)!.position.x, `${e.source.node} → ${e.target.node}`).toBeLessThan(at.get(e.target.node)!.position.x);
    }
    const nodes = template.graph.nodes;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b] = [nodes[i]!, nodes[j]!];
        const apart =
          a.position.x + nodeWidth + 20 <= b.position.x ||
          b.position.x + nodeWidth + 20 <= a.position.x ||
          a.position.y + nodeHeight(a.type) + 12 <= b.position.y ||
          b.position.y + nodeHeight(b.type) + 12 <= a.position.y;
        expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
      }
    }
  });

  it('describes each strategy for a trader: the idea, the rules, what to watch out for', () => {
    for (const t of templates) {
      expect(t.description, t.id).toMatch(/^The idea: .+ Rules: .+ Watch out: .+/s);
    }
  });

  it('says plainly where a template is a single-asset stand-in for a multi-asset strategy', () => {
    const t = findTemplate('spread-mean-reversion')!;
    expect(t.name).toMatch(/single[- ]asset/i);
    expect(t.tags).toContain('single-asset proxy');
  });

  it('momentum rotation trades several symbols from one account, never more than 3 at once', async () => {
    const t = findTemplate('momentum-rotation')!;
    const compiled = compile(t.graph, registry);
    if (!compiled.ok) throw new Error('compile failed');
    const result = await runBacktest(compiled.plan, await loadMarket(compiled.plan.data.request, async () => undefined));
    expect(result.symbols).toHaveLength(8);
    expect(new Set(result.trades.map((x) => x.symbol)).size).toBeGreaterThanOrEqual(4);
    for (const trade of result.trades) {
      const open = result.trades.filter((o) => o.entryTime <= trade.entryTime && (o.open || o.exitTime > trade.entryTime));
      expect(new Set(open.map((o) => o.symbol)).size).toBeLessThanOrEqual(3);
    }
  });

  it('refuses a malformed template and a duplicate id when loading', () => {
    const good = templates[0]!;
    expect(() => loadTemplates([{ ...good, summary: 'two\nlines' }])).toThrow(/summary: must be one line/);
    expect(() => loadTemplates([{ ...good, version: 0 }])).toThrow(/version/);
    expect(() => loadTemplates([{ ...good, extra: true }])).toThrow(/Unrecognized key/);
    expect(() => loadTemplates([good, good])).toThrow(`template id "${good.id}" is used twice`);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from './backtest.ts';
import { formatCompileError, formatSummary, main, parseCliArgs, parseDataArg, progressBar, strategyOf, UsageError, type CliIo } from './cli.ts';
import { compileOk, makeBars } from './testing.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = 'docs/examples/sma-crossover.json';
const dir = mkdtempSync(join(tmpdir(), 'tradeloom-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['engine/cli.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function temp(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Daily bars with a slow wave, so an SMA 10/50 crossover trades a few times. */
function waveCsv(n: number): string {
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let prev = 100;
  for (let i = 0; i < n; i++) {
    const close = 100 + 20 * Math.sin(i / 15) + (i % 7) * 0.3;
    const day = new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${day},${prev.toFixed(4)},${(Math.max(prev, close) + 0.5).toFixed(4)},${(Math.min(prev, close) - 0.5).toFixed(4)},${close.toFixed(4)},${1000 + i}`);
    prev = close;
  }
  return rows.join('\n') + '\n';
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

// Each test starts Node processes; on a loaded 2-core CI machine that alone can take seconds.
describe('cli as a child process', { timeout: 60_000 }, () => {
  it('backtests the example on synthetic:7 as JSON, the same on every run', () => {
    const first = cli('backtest', example, '--data', 'synthetic:7', '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(Object.keys(result).sort()).toEqual(['bars', 'endTime', 'equity', 'events', 'eventsTruncated', 'leverageCuts', 'metrics', 'skippedBars', 'startTime', 'trades', 'warmup']);
    expect(result).toMatchObject({ bars: 5000, warmup: 50, startTime: Date.UTC(2024, 0, 1), endTime: Date.UTC(2024, 0, 1) + 4999 * 3_600_000 });
    expect(Object.keys(result.metrics)).toEqual(expect.arrayContaining(['totalReturn', 'cagr', 'sharpe', 'maxDrawdown', 'winRate', 'exposure', 'finalEquity']));
    expect(result.metrics.trades).toBeGreaterThan(0);
    expect(result.trades[0]).toEqual(expect.objectContaining({ side: 'long', entryTime: expect.any(Number), pnl: expect.any(Number), open: false }));
    expect(result.equity.at(-1)).toEqual({ time: result.endTime, value: result.metrics.finalEquity });
    const second = cli('backtest', example, '--data', 'synthetic:7', '--json');
    expect(second.stdout).toBe(first.stdout);
    // The seed really is overridden: the graph's own seed (42) gives another market.
    const own = JSON.parse(cli('backtest', example, '--json').stdout);
    expect(own.metrics.finalEquity).not.toBe(result.metrics.finalEquity);
  });

  it('runs on a CSV file and prints a readable summary', () => {
    const path = temp('wave.csv', waveCsv(400));
    const json = cli('backtest', example, '--data', path, '--json');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ bars: 400, startTime: Date.UTC(2023, 0, 1), endTime: Date.UTC(2023, 0, 1) + 399 * 86_400_000 });
    expect(result.metrics.periodsPerYear).toBeCloseTo(365.25, 9);
    expect(result.trades.length).toBeGreaterThan(0);
    const text = cli('backtest', example, '--data', path);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`CSV ${path}: 400 bars, 2023-01-01 00:00 → 2024-02-04 00:00 UTC, warm-up 50 bars`);
    expect(text.stdout).toMatch(/Total return\s+-?\d+\.\d\d %/);
    expect(text.stdout).toMatch(/Trades\s+\d+ closed/);
  });

  it('accepts the app export { name, graph }', () => {
    const graph = JSON.parse(readFileSync(join(root, example), 'utf8'));
    const path = temp('export.json', JSON.stringify({ name: 'Golden cross', graph }));
    const r = cli('backtest', path, '--data', 'synthetic:7');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Strategy  Golden cross (${path})`);
  });

  it('a bad CSV fails with one line naming the line and column', () => {
    const good = waveCsv(100).split('\n');
    good[42] = good[42]!.replace(/,[\d.]+,(\d+)$/, ',oops,$1');
    const r = cli('backtest', example, '--data', temp('bad.csv', good.join('\n')));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: CSV has bad rows — line 43, close: "oops" is not a finite number\n');
  });

  it('a graph with a cycle fails naming the nodes on it', () => {
    const graph = JSON.parse(readFileSync(join(root, example), 'utf8'));
    graph.nodes.push({ id: 'loopA', type: 'logic.and' }, { id: 'loopB', type: 'logic.or' });
    graph.edges.push(
      { id: 'c1', source: { node: 'loopA', port: 'result' }, target: { node: 'loopB', port: 'a' } },
      { id: 'c2', source: { node: 'loopB', port: 'result' }, target: { node: 'loopA', port: 'a' } },
      { id: 'c3', source: { node: 'cross', port: 'above' }, target: { node: 'loopA', port: 'b' } },
      { id: 'c4', source: { node: 'cross', port: 'below' }, target: { node: 'loopB', port: 'b' } },
    );
    const r = cli('backtest', temp('cycle.json', JSON.stringify(graph)), '--data', 'synthetic:1');
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/does not compile \(2 errors\):$/);
    expect(lines.slice(1)).toEqual([
      '  node "loopA" at nodes.6: node "loopA" is on a cycle (through "loopA", "loopB"); values must flow one way [cycle]',
      '  node "loopB" at nodes.7: node "loopB" is on a cycle (through "loopA", "loopB"); values must flow one way [cycle]',
    ]);
  });

  it.each([
    [['backtest', 'missing.json'], 1, /^error: cannot read strategy file "missing\.json": no such file\n$/],
    [['backtest', example, '--frobnicate'], 2, /^error: Unknown option '--frobnicate' \(see --help\)\n$/],
    [['launch', example], 2, /^error: unknown command "launch"/],
    [['backtest', example, '--data', 'synthetic:-3'], 2, /^error: --data synthetic:SEED needs a whole-number seed/],
    [['backtest', example, '--data', 'nowhere.csv'], 1, /^error: cannot read data file "nowhere\.csv": no such file\n$/],
    [[], 2, /^error: no command given/],
  ])('bad input %j exits %i with one line', (args, code, message) => {
    const r = cli(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    noStack(r.stderr);
  });

  it('bad JSON exits 1 with the parser’s reason', () => {
    const r = cli('backtest', temp('broken.json', '{"nodes": [}'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: strategy file ".*broken\.json" is not valid JSON: .+\n$/);
  });

  it('--help prints usage and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: npm run cli -- backtest <strategy.json>');
  });
});

describe('cli functions', () => {
  it('parses arguments', () => {
    expect(parseCliArgs(['backtest', 's.json'])).toEqual({ command: 'backtest', strategy: 's.json', json: false });
    expect(parseCliArgs(['backtest', 's.json', '--data', 'synthetic:7', '--json', '--bars', '300'])).toEqual({ command: 'backtest', strategy: 's.json', data: { kind: 'synthetic', seed: 7 }, bars: 300, json: true });
    expect(parseCliArgs(['backtest', '--data=bars.csv', 's.json'])).toEqual({ command: 'backtest', strategy: 's.json', data: { kind: 'csv', path: 'bars.csv' }, json: false });
    expect(parseCliArgs(['-h'])).toEqual({ command: 'help' });
    expect(() => parseCliArgs(['backtest', 'a.json', 'b.json'])).toThrow(UsageError);
    expect(() => parseCliArgs(['backtest', 's.json', '--bars', '5'])).toThrow(/--bars must be/);
    expect(() => parseCliArgs(['backtest', 's.json', '--bars', '100', '--data', 'x.csv'])).toThrow(/synthetic data only/);
  });

  it('parses --data', () => {
    expect(parseDataArg('synthetic:0')).toEqual({ kind: 'synthetic', seed: 0 });
    expect(parseDataArg('data/btc.csv')).toEqual({ kind: 'csv', path: 'data/btc.csv' });
    expect(() => parseDataArg('synthetic:4294967296')).toThrow(UsageError);
    expect(() => parseDataArg('synthetic:1.5')).toThrow(UsageError);
  });

  it('reads a bare graph or an export', () => {
    const graph = { nodes: [], edges: [] };
    expect(strategyOf(graph)).toEqual({ graph });
    expect(strategyOf({ name: 'X', graph })).toEqual({ name: 'X', graph });
    expect(strategyOf([1])).toEqual({ graph: [1] });
  });

  it('formats a compile error on one line with node, port, path and code', () => {
    expect(formatCompileError({ code: 'bad_params', message: 'SMA period: Too small:\n expected >= 1', nodeId: 'fast', path: ['nodes', 1, 'params', 'period'] })).toBe(
      'node "fast" at nodes.1.params.period: SMA period: Too small: expected >= 1 [bad_params]',
    );
    expect(formatCompileError({ code: 'unknown_port', message: 'x', nodeId: 'a', port: 'p', edgeId: 'e1', path: ['edges', 0, 'source', 'port'] })).toBe('node "a", port "p", edge "e1" at edges.0.source.port: x [unknown_port]');
  });

  it('draws a progress bar', () => {
    expect(progressBar(0, 200, 10)).toBe('[----------]   0% 0/200 bars');
    expect(progressBar(50, 200, 10)).toBe('[###-------]  25% 50/200 bars');
    expect(progressBar(200, 200, 10)).toBe('[##########] 100% 200/200 bars');
  });

  it('summarises a run: metrics, counts, first and last trades', async () => {
    const plan = compileOk(JSON.parse(readFileSync(join(root, example), 'utf8')));
    const bars = makeBars({ close: Array.from({ length: 600 }, (_, i) => 100 + 15 * Math.sin(i / 12)) });
    const result = await runBacktest(plan, bars);
    expect(result.trades.length).toBeGreaterThan(6);
    const text = formatSummary(result, { strategy: 'demo', data: 'test bars' });
    expect(text).toContain('Strategy  demo');
    expect(text).toContain(`test bars: 600 bars, 2024-01-01 00:00 → ${new Date(Date.UTC(2024, 0, 600)).toISOString().slice(0, 10)} 00:00 UTC`);
    expect(text).toMatch(new RegExp(`\\n  Max drawdown length\\s+${result.metrics.maxDrawdownBars} bars\\n`));
    expect(text).toMatch(new RegExp(`\\n  VaR 95 % \\(1 bar\\)\\s+${result.metrics.var95.toFixed(2)} %\\n`));
    expect(text).toMatch(new RegExp(`\\n  Beta to buy and hold\\s+${result.metrics.beta!.toFixed(2)}\\n`));
    const rows = text.split('\n').filter((l) => /^\s+\d+\s+(long|short)\s/.test(l));
    expect(rows.map((r) => Number(r.trim().split(/\s+/)[0]))).toEqual([1, 2, 3, result.trades.length - 2, result.trades.length - 1, result.trades.length]);
    expect(text).toContain('   ...');
  });

  it('main() reports through the given streams and never throws', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stderrIsTTY: true, readFile: async () => '{"name":"x","graph":{"nodes":[]}}' };
    expect(await main(['backtest', 'whatever.json'], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('')).toBe('error: strategy "whatever.json" does not compile (1 error):\n  at edges: Invalid input: expected array, received undefined [invalid_graph]\n');
  });

  it('draws the progress bar on a terminal for long runs only', async () => {
    const graph = readFileSync(join(root, example), 'utf8');
    const run = async (bars: string) => {
      const err: string[] = [];
      const code = await main(['backtest', example, '--json', '--bars', bars], { stdout: () => {}, stderr: (t) => err.push(t), stderrIsTTY: true, readFile: async () => graph });
      return { code, err: err.join('') };
    };
    expect(await run('1000')).toEqual({ code: 0, err: '' });
    const long = await run('250000');
    expect(long.code).toBe(0);
    expect(long.err).toContain('\r[');
    expect(long.err.endsWith('100% 250000/250000 bars\n')).toBe(true);
  });
});

describe('cli with a CSV basket', () => {
  /** An in-memory file system: the strategy and the CSV files. */
  function ioOf(files: Record<string, string>) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      stderrIsTTY: false,
      readFile: async (path) => {
        if (!(path in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        return files[path]!;
      },
    };
    return { io, out, err };
  }
  const rotation = (datasets: unknown) =>
    JSON.stringify({
      nodes: [
        { id: 'data', type: 'data.csvBasket', params: { datasets } },
        { id: 'roc', type: 'indicator.roc', params: { period: 10 } },
        { id: 'top', type: 'portfolio.topN', params: { count: 1 } },
        { id: 'w', type: 'portfolio.weights', params: {} },
        { id: 'order', type: 'order.rebalance', params: {} },
      ],
      edges: [
        { id: 'a', source: { node: 'data', port: 'close' }, target: { node: 'roc', port: 'source' } },
        { id: 'b', source: { node: 'roc', port: 'value' }, target: { node: 'top', port: 'score' } },
        { id: 'c', source: { node: 'top', port: 'selected' }, target: { node: 'w', port: 'selected' } },
        { id: 'd', source: { node: 'w', port: 'weight' }, target: { node: 'order', port: 'weight' } },
      ],
    });
  // The same wave, half a period apart: the leader keeps changing.
  const shifted = waveCsv(300).split('\n').map((row, i) => (i === 0 || !row ? row : row.replace(/^(\d{4}-\d\d-\d\d)/, (d) => new Date(Date.parse(d) + 47 * 86_400_000).toISOString().slice(0, 10)))).join('\n');

  it('reads a basket node’s datasets as file paths, each trading as its file name', async () => {
    const { io, out, err } = ioOf({ 's.json': rotation([{ datasetId: 'data/spy.csv' }, { datasetId: 'data/qqq.csv', symbol: 'QQQ' }]), 'data/spy.csv': waveCsv(300), 'data/qqq.csv': shifted });
    expect(await main(['backtest', 's.json', '--json'], io)).toBe(0);
    expect(err).toEqual([]);
    const result = JSON.parse(out.join(''));
    expect(result.symbols).toEqual(['spy', 'QQQ']);
    expect(new Set(result.trades.map((t: { symbol: string }) => t.symbol))).toEqual(new Set(['spy', 'QQQ']));
    // The union of times: QQQ starts 47 days later, and those days are skipped for it alone.
    expect(result).toMatchObject({ bars: 347, skippedBars: 47 + 47 });
  });

  it('trades repeated --data files together as a basket; a synthetic seed cannot join them', async () => {
    const files = { 's.json': rotation([{ datasetId: 'unused.csv' }]), 'a/spy.csv': waveCsv(300), 'b/tlt.csv': shifted };
    const { io, out } = ioOf(files);
    expect(await main(['backtest', 's.json', '--data', 'a/spy.csv', '--data', 'b/tlt.csv'], io)).toBe(0);
    expect(out.join('')).toContain('CSV basket spy, tlt: 347 bars');
    expect(parseCliArgs(['backtest', 's.json', '--data', 'x.csv', '--data', 'y.csv'])).toMatchObject({ data: { kind: 'basket', paths: ['x.csv', 'y.csv'] } });
    expect(() => parseCliArgs(['backtest', 's.json', '--data', 'x.csv', '--data', 'synthetic:3'])).toThrow(/must all be CSV files/);
    const clash = ioOf({ ...files, 'c/spy.csv': shifted });
    expect(await main(['backtest', 's.json', '--data', 'a/spy.csv', '--data', 'c/spy.csv'], clash.io)).toBe(1);
    expect(clash.err.join('')).toBe('error: datasets "spy.csv" and "spy.csv" would both trade as symbol "spy"; give one of them a symbol of its own\n');
  });
});

import { readFile } from 'node:fs/promises';
import { decodeText } from './csv.ts';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { registry } from '../nodes/index.ts';
import { runBacktest, type BacktestResult } from './backtest.ts';
import type { Trade } from './broker.ts';
import { compile, type CompileError } from './compile.ts';
import { chooseData, loadMarket, type DataChoice } from './data.ts';

export const usage = `Usage: npm run cli -- backtest <strategy.json> [--data <file.csv | synthetic:SEED>]... [--bars N] [--json]

Commands:
  backtest <strategy.json>   Compile a strategy graph and backtest it.

Options:
  --data <source>   A CSV file of OHLCV bars, or synthetic:SEED for seeded synthetic bars.
                    Repeat --data with several CSV files to trade them together as a basket,
                    each as the symbol of its file name (spy.csv trades as "spy").
                    Default: the strategy's own data node.
  --bars <N>        With synthetic data, how many bars to generate (default: the data node's).
  --json            Print the full result as JSON on stdout instead of a summary.
  -h, --help        Show this help.

The strategy file is a graph ({ nodes, edges, settings }) or an app export ({ name, graph }).
Exit codes: 0 success, 1 bad input (file, JSON, CSV, compile errors), 2 bad usage.`;

/** A problem with the command line itself (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A problem with what the command line points at (exit code 1). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export type DataArg = { kind: 'synthetic'; seed: number } | { kind: 'csv'; path: string } | { kind: 'basket'; paths: string[] };

export type CliCommand =
  | { command: 'help' }
  | { command: 'backtest'; strategy: string; data?: DataArg; bars?: number; json: boolean };

/**
 * Turn argv (without `node cli.ts`) into a command, or throw a UsageError saying what is wrong.
 *
 * @example
 * parseCliArgs(['backtest', 's.json', '--data', 'synthetic:7']) // { command: 'backtest', strategy: 's.json', data: { kind: 'synthetic', seed: 7 }, json: false }
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: 'string', multiple: true },
        bars: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    // node:util's messages add a hint about `--`; the first sentence names the problem.
    throw new UsageError(firstSentence((err as Error).message));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('no command given (try "backtest <strategy.json>")');
  if (command === 'help') return { command: 'help' };
  if (command !== 'backtest') throw new UsageError(`unknown command "${command}" (the only command is "backtest")`);
  if (rest.length === 0) throw new UsageError('backtest needs a strategy file: backtest <strategy.json>');
  if (rest.length > 1) throw new UsageError(`backtest takes one strategy file, got ${rest.length}: ${rest.join(' ')}`);
  const data = values.data === undefined ? undefined : parseDataArgs(values.data);
  let bars: number | undefined;
  if (values.bars !== undefined) {
    bars = Number(values.bars);
    if (!/^\d+$/.test(values.bars) || bars < 10 || bars > 20_000_000) throw new UsageError(`--bars must be a whole number from 10 to 20000000, got "${values.bars}"`);
    if (data && data.kind !== 'synthetic') throw new UsageError('--bars applies to synthetic data only, not to a CSV file');
  }
  return { command: 'backtest', strategy: rest[0]!, json: values.json, ...(data ? { data } : {}), ...(bars !== undefined ? { bars } : {}) };
}

/** One `--data`, or several CSV files for a basket. */
function parseDataArgs(raws: readonly string[]): DataArg {
  const args = raws.map(parseDataArg);
  if (args.length === 1) return args[0]!;
  const paths = args.map((a) => (a.kind === 'csv' ? a.path : undefined));
  if (paths.includes(undefined)) throw new UsageError('several --data values must all be CSV files (a basket); synthetic:SEED stands alone');
  return { kind: 'basket', paths: paths as string[] };
}

/** `synthetic:SEED` or a file path. */
export function parseDataArg(raw: string): Exclude<DataArg, { kind: 'basket' }> {
  const m = /^synthetic:(.*)$/i.exec(raw);
  if (m) {
    const seed = Number(m[1]);
    if (!/^\d+$/.test(m[1]!) || seed > 2 ** 32 - 1) throw new UsageError(`--data synthetic:SEED needs a whole-number seed from 0 to 4294967295, got "${m[1]}"`);
    return { kind: 'synthetic', seed };
  }
  if (raw.trim() === '') throw new UsageError('--data needs a CSV file path or synthetic:SEED');
  return { kind: 'csv', path: raw };
}

/** A strategy file holds either the bare graph or the app's export `{ name, graph }`. */
export function strategyOf(doc: unknown): { name?: string; graph: unknown } {
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'graph' in doc && !('nodes' in doc)) {
    const { name, graph } = doc as { name?: unknown; graph: unknown };
    return { graph, ...(typeof name === 'string' ? { name } : {}) };
  }
  return { graph: doc };
}

/** One line per compile error: where (node, port, JSON path), what, and the code. */
export function formatCompileError(e: CompileError): string {
  const where = [e.nodeId && `node "${e.nodeId}"`, e.port && `port "${e.port}"`, e.edgeId && `edge "${e.edgeId}"`].filter(Boolean).join(', ');
  const path = e.path.length ? e.path.join('.') : '(graph)';
  // Schema errors already start with their path.
  const message = oneLine(e.message).replace(`${path}: `, '');
  return `${where ? `${where} ` : ''}at ${path}: ${message} [${e.code}]`;
}

/** `[#####-----]  50% 100000/200000 bars` */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total} bars`;
}

const fmt = {
  pct: (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} %`),
  num: (v: number | null, digits = 2) => (v === null ? 'n/a' : v.toFixed(digits)),
  money: (v: number | null) => (v === null ? 'n/a' : v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })),
  time: (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/:00\.000Z$|\.000Z$/, '').replace(/Z$/, ''),
};

/** The human-readable report: what ran, the metrics table, trade counts and the first and last trades. */
export function formatSummary(result: BacktestResult, info: { strategy: string; data: string }): string {
  const m = result.metrics;
  const closed = result.trades.filter((t) => !t.open);
  const open = result.trades.filter((t) => t.open);
  const won = closed.filter((t) => t.pnl > 0).length;
  const lost = closed.filter((t) => t.pnl < 0).length;
  const rows: [string, string][] = [
    ['Total return', fmt.pct(m.totalReturn)],
    ['CAGR', fmt.pct(m.cagr)],
    ['Volatility (ann.)', fmt.pct(m.volatility)],
    ['Sharpe', fmt.num(m.sharpe)],
    ['Sortino', fmt.num(m.sortino)],
    ['Max drawdown', fmt.pct(m.maxDrawdown)],
    ['Max drawdown length', `${m.maxDrawdownBars} bars`],
    ['Calmar', fmt.num(m.calmar)],
    ['VaR 95 % (1 bar)', fmt.pct(m.var95)],
    ['CVaR 95 % (1 bar)', fmt.pct(m.cvar95)],
    ['Win rate', fmt.pct(m.winRate)],
    ['Profit factor', fmt.num(m.profitFactor)],
    ['Expectancy / trade', fmt.money(m.expectancy)],
    ['Exposure', fmt.pct(m.exposure)],
    ['Turnover (× equity/yr)', fmt.num(m.turnover)],
    ['Buy and hold', fmt.pct(m.benchmarkReturn)],
    ['Beta to buy and hold', fmt.num(m.beta)],
    ['Alpha (ann.)', fmt.pct(m.alpha)],
    ['Final equity', fmt.money(m.finalEquity)],
    ['Commission paid', fmt.money(m.commissionPaid)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    `Strategy  ${info.strategy}`,
    `Data      ${info.data}: ${result.bars} bars, ${fmt.time(result.startTime)} → ${fmt.time(result.endTime)} UTC, warm-up ${result.warmup} bars, ${fmt.num(m.periodsPerYear, 0)} bars/year`,
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(labelWidth)}  ${value.padStart(14)}`),
    '',
    `Trades    ${closed.length} closed (${won} won, ${lost} lost, ${closed.length - won - lost} flat)${open.length ? `, ${open.length} still open` : ''}`,
  ];
  if (result.trades.length) {
    const shown = result.trades.length <= 6 ? result.trades : [...result.trades.slice(0, 3), undefined, ...result.trades.slice(-3)];
    lines.push('', `  ${'#'.padStart(4)}  side   ${'entry time'.padEnd(16)}  ${'entry'.padStart(12)}  ${'exit time'.padEnd(16)}  ${'exit'.padStart(12)}  ${'qty'.padStart(12)}  ${'pnl'.padStart(12)}  ${'return'.padStart(9)}  bars`);
    for (const t of shown) {
      if (!t) {
        lines.push('   ...');
        continue;
      }
      lines.push(tradeRow(result.trades.indexOf(t) + 1, t));
    }
  }
  return lines.join('\n');
}

function tradeRow(n: number, t: Trade): string {
  const price = (v: number) => v.toPrecision(8).padStart(12);
  return `  ${String(n).padStart(4)}  ${t.side.padEnd(5)}  ${fmt.time(t.entryTime).padEnd(16)}  ${price(t.entryPrice)}  ${(t.open ? 'open' : fmt.time(t.exitTime)).padEnd(16)}  ${price(t.exitPrice)}  ${t.quantity.toPrecision(6).padStart(12)}  ${fmt.money(t.pnl).padStart(12)}  ${fmt.pct(t.returnPct).padStart(9)}  ${t.bars}`;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bar allowed). */
  stderrIsTTY: boolean;
  readFile: (path: string) => Promise<string>;
}

/** Bars above which a run draws a progress bar (when stderr is a terminal). */
export const progressThreshold = 200_000;

/** Run the CLI; returns the exit code. Every failure is reported as one line per problem on stderr. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const cmd = parseCliArgs(argv);
    if (cmd.command === 'help') {
      io.stdout(`${usage}\n`);
      return 0;
    }
    return await backtest(cmd, io);
  } catch (err) {
    io.stderr(`error: ${oneLine(err instanceof Error ? err.message : String(err))}${err instanceof UsageError ? ' (see --help)' : ''}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

async function backtest(cmd: Extract<CliCommand, { command: 'backtest' }>, io: CliIo): Promise<number> {
  const text = await readText(io, cmd.strategy, 'strategy file');
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new InputError(`strategy file "${cmd.strategy}" is not valid JSON: ${(err as Error).message}`);
  }
  const { name, graph } = strategyOf(doc);
  const compiled = compile(graph, registry);
  if (!compiled.ok) {
    const n = compiled.errors.length;
    io.stderr(`error: strategy "${cmd.strategy}" does not compile (${n} error${n === 1 ? '' : 's'}):\n`);
    for (const e of compiled.errors) io.stderr(`  ${formatCompileError(e)}\n`);
    return 1;
  }
  const plan = compiled.plan;
  let choice: DataChoice | undefined;
  if (cmd.data?.kind === 'csv') choice = { kind: 'dataset', datasetId: cmd.data.path };
  else if (cmd.data?.kind === 'basket') choice = { kind: 'datasets', datasets: cmd.data.paths.map((datasetId) => ({ datasetId })) };
  else if (cmd.data?.kind === 'synthetic' || cmd.bars !== undefined) {
    const seed = cmd.data?.kind === 'synthetic' ? cmd.data.seed : plan.data.request.kind === 'synthetic' ? plan.data.request.seed : 0;
    choice = { kind: 'synthetic', seed, ...(cmd.bars !== undefined ? { bars: cmd.bars } : {}) };
  }
  const request = chooseData(plan.data.request, choice);
  // On the command line a dataset id is a file path: the --data files, or the graph's CSV node's datasets.
  // A basket file trades as its file name's symbol, as an upload does.
  const market = await loadMarket(request, async (path) => ({ name: basename(path), csv: await readText(io, path, 'data file') }));
  const total = market.lanes[0]!.close.length;
  const showProgress = io.stderrIsTTY && total > progressThreshold;
  const result = await runBacktest(plan, market, {
    ...(showProgress ? { chunkBars: 50_000, onProgress: (done: number) => io.stderr(`\r${progressBar(done, total)}${done === total ? '\n' : ''}`) } : {}),
  });
  if (cmd.json) {
    io.stdout(`${JSON.stringify(result)}\n`);
  } else {
    const source =
      request.kind === 'synthetic' ? `synthetic seed ${request.seed}` : request.kind === 'dataset' ? `CSV ${request.datasetId}` : `CSV basket ${market.symbols.join(', ')}`;
    io.stdout(`${formatSummary(result, { strategy: name ? `${name} (${cmd.strategy})` : cmd.strategy, data: source })}\n`);
  }
  return 0;
}

async function readText(io: CliIo, path: string, what: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError(`cannot read ${what} "${path}": ${reason}`);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function firstSentence(text: string): string {
  const m = /^(.*?\.)(\s|$)/.exec(oneLine(text));
  return (m ? m[1]! : oneLine(text)).replace(/\.$/, '');
}

if (import.meta.main) {
  // Piped into `head` and closed early: stop quietly, not with a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const code = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: !!process.stderr.isTTY,
    readFile: async (path) => decodeText(await readFile(path)),
  });
  process.exitCode = code;
}

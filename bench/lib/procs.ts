/** Runs one implementation in its own process and reads back its one-line JSON result. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PeerResult } from './result.ts';
import type { StrategySpec } from './strategies.ts';

export const nodeImpls = ['tradeloom', 'fused', 'trading-signals', 'technicalindicators'] as const;
export const pythonImpls = ['vectorbt', 'vectorbt-rust', 'backtesting', 'backtrader'] as const;
export type Impl = (typeof nodeImpls)[number] | (typeof pythonImpls)[number];

const peersDir = join(import.meta.dirname, '..', 'peers');

export interface RunOptions {
  python: string | null;
  trades?: boolean;
  warmupBars?: number;
  timeoutMs?: number;
  /** Full runs per process (the best is the run time); default BENCH_INNER_RUNS or 3. */
  innerRuns?: number;
}

export function isPython(impl: Impl): boolean {
  return (pythonImpls as readonly string[]).includes(impl);
}

export function runPeer(impl: Impl, file: string, spec: StrategySpec, o: RunOptions): Promise<PeerResult> {
  const failed = (reason: string): PeerResult => ({ impl, strategy: spec.strategy, status: 'error', reason, version: '' }) as PeerResult;
  const py = isPython(impl);
  if (py && !o.python) return Promise.resolve(failed('no Python for the peers'));
  const cmd = py ? o.python! : process.execPath;
  const args = [join(peersDir, py ? 'python_peer.py' : 'node.ts'), impl, file, JSON.stringify(spec), ...(o.trades ? ['--trades'] : [])];
  const env = {
    ...process.env,
    BENCH_WARMUP_BARS: String(o.warmupBars ?? 20_000),
    ...(o.innerRuns !== undefined && { BENCH_INNER_RUNS: String(o.innerRuns) }),
    // backtesting.py draws a tqdm progress bar; its output is not ours to show.
    TQDM_DISABLE: '1',
    PYTHONWARNINGS: 'ignore',
  };
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 3_600_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve(failed(e.message));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as PeerResult);
      } catch {
        const tail = err.trim().split('\n').slice(-3).join(' | ');
        resolve(failed(signal ? `killed (${signal}${signal === 'SIGKILL' ? ', timeout' : ''})` : `exit ${code}: ${tail || line}`));
      }
    });
  });
}

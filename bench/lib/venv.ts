/**
 * The peers' Python: bench/.venv-peers, created with `python3 -m venv` and pip on first use. Every step
 * is printed. When Python or pip is not there, the peers are reported as unavailable and the
 * TypeScript part of the benchmark still runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const benchDir = join(import.meta.dirname, '..');
export const venvDir = join(benchDir, '.venv-peers');
export const venvPython = join(venvDir, 'bin', 'python');
const requirements = [join(benchDir, 'peers', 'requirements.txt'), join(benchDir, 'peers', 'requirements-rust.txt')];
const marker = join(venvDir, '.installed-requirements');

/** Which Python module each peer needs. */
export const pythonPeerModules: Record<string, string> = {
  vectorbt: 'vectorbt',
  'vectorbt-rust': 'vectorbt_rust',
  backtesting: 'backtesting',
  backtrader: 'backtrader',
  // Not a strategy peer: the indicator benchmark's C reference (bench/indicators.ts).
  talib: 'talib',
};

export interface PeersPython {
  python: string | null;
  /** Peer name → why it cannot run (absent when it can). */
  unavailable: Record<string, string>;
}

function sh(cmd: string, args: string[], log: (s: string) => void): boolean {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: benchDir });
  if (r.error) log(`  failed: ${r.error.message}`);
  return r.status === 0;
}

/** Make (or refresh) the venv when needed; then check which peers import. Never throws. */
export function ensurePeersPython(log: (s: string) => void): PeersPython {
  const all = (why: string) => Object.fromEntries(Object.keys(pythonPeerModules).map((p) => [p, why]));
  if (process.env.BENCH_NO_PEERS === '1') return { python: null, unavailable: all('BENCH_NO_PEERS=1') };
  const wanted = requirements.map((f) => readFileSync(f, 'utf8')).join('\n');
  const installed = existsSync(marker) ? readFileSync(marker, 'utf8') : '';
  if (!existsSync(venvPython) || installed !== wanted) {
    const base = process.env.BENCH_PYTHON ?? 'python3';
    log(existsSync(venvPython) ? 'bench/.venv-peers: requirements changed, updating with pip' : `bench/.venv-peers: creating it with ${base} -m venv and pip (first run only)`);
    if (!existsSync(venvPython) && !sh(base, ['-m', 'venv', venvDir], log)) {
      return { python: null, unavailable: all(`could not create a venv with ${base} (set BENCH_PYTHON to a Python ≥ 3.10)`) };
    }
    const core = sh(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements[0]!], log);
    if (!core) log('pip could not install the peers; checking which ones import anyway');
    const rust = sh(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements[1]!], log);
    if (!rust) log('pip could not install vectorbt-rust; vectorbt runs on numba only');
    if (core && rust) writeFileSync(marker, wanted);
  }
  const unavailable: Record<string, string> = {};
  for (const [peer, mod] of Object.entries(pythonPeerModules)) {
    const r = spawnSync(venvPython, ['-c', `import ${mod}`], { encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
    if (r.status !== 0) unavailable[peer] = `import ${mod} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  }
  return { python: venvPython, unavailable };
}

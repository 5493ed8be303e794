/**
 * Make bench/.venv-peers (the Python peers: vectorbt with its Rust engine, backtesting.py, backtrader),
 * as `npm run bench` does on first use, and fail when a peer does not import. `.ci/run` calls it so that
 * the parity test (engine/parity.test.ts), which runs only where the venv exists, runs in CI.
 *
 *   npm run bench:peers
 */
import { ensurePeersPython } from './lib/venv.ts';

const { python, unavailable } = ensurePeersPython((line) => console.log(line));
const missing = Object.entries(unavailable);
for (const [peer, why] of missing) console.error(`${peer}: ${why}`);
if (!python || missing.length > 0) process.exit(1);
console.log(`the peers import in ${python}`);

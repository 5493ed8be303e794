/**
 * How the sandbox process is started: the layers around isolated-vm that hold even if an isolate were
 * escaped. Each layer is used when the machine allows it, and when it does not the plan says why.
 *
 * 1. An empty environment: no secret the host holds is in the child's `process.env` or `/proc/self/environ`.
 * 2. `prlimit`: address space (sized for the isolates), CPU seconds, no files written (`--fsize=0`),
 *    no core dumps, few file descriptors.
 * 3. `unshare --net --map-root-user`: a fresh network namespace with no interfaces (no cloud metadata
 *    address, no database, no loopback services) and no capabilities in the host's user namespace.
 * 4. Node's permission model: read access to sandbox/, the isolated-vm addon and typescript only; no
 *    writes, no child processes, no worker threads, no inspector. So `/proc/<host pid>/environ` is denied too.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addressSpaceBytes, type SandboxLimits } from './limits.ts';
import type { ChildConfig } from './process.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** The sandbox process's entry point. */
export const sandboxEntry = join(here, 'process.ts');

export interface LaunchPlan {
  command: string;
  args: string[];
  /** Which OS layers are in force. */
  layers: { prlimit: boolean; netns: boolean; permissionModel: true; emptyEnv: true };
  /** Why a layer is missing, for logs and docs/sandbox.md. */
  missing: string[];
}

function which(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

let netnsProbe: { unshare: string | null; works: boolean; why: string } | null = null;
/** Whether this machine lets us create a network namespace (user namespaces allowed, or root). Probed once. */
function probeNetns() {
  if (netnsProbe) return netnsProbe;
  const unshare = which('unshare');
  if (!unshare) return (netnsProbe = { unshare, works: false, why: 'unshare (util-linux) is not installed' });
  const r = spawnSync(unshare, ['--net', '--map-root-user', 'true'], { env: {}, timeout: 5_000 });
  const works = r.status === 0;
  return (netnsProbe = { unshare, works, why: works ? '' : `unshare --net is not permitted here (${(r.stderr?.toString() || r.error?.message || `exit ${r.status}`).trim()})` });
}

/** Absolute paths of the native addon and typescript, resolved here because the child cannot search for them. */
export function resolveDependencies(): { addon: string; typescript: string } {
  const require = createRequire(import.meta.url);
  const ivmDir = dirname(require.resolve('isolated-vm/package.json'));
  const gypBuild = createRequire(join(ivmDir, 'package.json'))('node-gyp-build') as { path(dir: string): string };
  return { addon: gypBuild.path(ivmDir), typescript: require.resolve('typescript') };
}

/**
 * The command line for one sandbox process. `entry` is for tests that probe the OS layers with their own
 * script under exactly the same launch.
 */
export function planLaunch(limits: SandboxLimits, entry: string = sandboxEntry): LaunchPlan {
  const deps = resolveDependencies();
  const config: ChildConfig = { ...deps, limits };
  const node = [
    process.execPath,
    '--no-node-snapshot', // isolated-vm requires it on Node ≥ 20
    `--max-old-space-size=${limits.processHeapMb}`,
    '--disallow-code-generation-from-strings',
    // V8 falls back to its linear-time engine on catastrophic backtracking, in every isolate of the process.
    '--enable-experimental-regexp-engine-on-excessive-backtracks',
    // Node strips types with a WebAssembly build of swc; with the trap handler every wasm memory
    // reserves 8 GB of address space, which would make RLIMIT_AS meaningless.
    '--disable-wasm-trap-handler',
    '--no-warnings',
    '--permission',
    '--allow-addons',
    `--allow-fs-read=${here}/`,
    `--allow-fs-read=${deps.addon}`,
    `--allow-fs-read=${dirname(dirname(deps.typescript))}/`,
    entry,
    JSON.stringify(config),
  ];
  const missing: string[] = [];
  let args = node;
  const ns = probeNetns();
  if (ns.works) args = [ns.unshare!, '--net', '--map-root-user', ...args];
  else missing.push(`network namespace: ${ns.why}; the permission model and the isolate are the network barrier`);
  const prlimit = which('prlimit');
  if (prlimit) {
    args = [prlimit, `--as=${addressSpaceBytes(limits)}`, `--cpu=${limits.cpuSeconds}`, '--fsize=0', '--core=0', '--nofile=64', '--', ...args];
  } else missing.push('prlimit (util-linux) is not installed: no OS address-space or CPU-time limit; the host RSS watchdog and per-call timeouts remain');
  return { command: args[0], args: args.slice(1), layers: { prlimit: !!prlimit, netns: ns.works, permissionModel: true, emptyEnv: true }, missing };
}

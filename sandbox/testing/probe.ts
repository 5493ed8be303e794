/**
 * Started by the security tests in place of sandbox/process.ts, under exactly the same launch (empty
 * environment, prlimit, network namespace, permission model). It plays an attacker who has already
 * escaped the isolate and holds the sandbox process, and reports what it could reach as one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

function attempt(f: () => unknown): string {
  try {
    const v = f();
    return `allowed: ${String(v).slice(0, 200)}`;
  } catch (e) {
    return `denied: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

const interfaces = Object.keys(networkInterfaces());
const report: Record<string, unknown> = {
  env: JSON.stringify(process.env),
  selfEnviron: attempt(() => readFileSync('/proc/self/environ', 'utf8')),
  parentEnviron: attempt(() => readFileSync(`/proc/${process.ppid}/environ`, 'utf8')),
  hostFile: attempt(() => readFileSync('/etc/hostname', 'utf8')),
  writeFile: attempt(() => writeFileSync('/tmp/tradeloom-sandbox-probe', 'x')),
  spawn: attempt(() => execFileSync('/bin/true')),
  interfaces,
};

// Only inside an interface-less namespace is a connection attempt certain to stay on this machine.
const isolated = interfaces.every((i) => i === 'lo');
const metadata = await new Promise<string>((resolve) => {
  if (!isolated) return resolve('not attempted: the process has network interfaces');
  const s = connect({ host: '169.254.169.254', port: 80, timeout: 2_000 });
  s.on('connect', () => {
    s.destroy();
    resolve('allowed: connected');
  });
  s.on('timeout', () => {
    s.destroy();
    resolve('denied: timeout');
  });
  s.on('error', (e: NodeJS.ErrnoException) => resolve(`denied: ${e.code ?? e.message}`));
});
report.metadata = metadata;
process.stdout.write(JSON.stringify(report) + '\n');

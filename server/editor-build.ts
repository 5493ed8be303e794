import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Newest modification time under a folder (sources of the editor bundle). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Build the editor when `dist/` is missing or older than its sources, so `npm start` on a fresh clone
 * serves a working UI without a separate build step.
 */
export async function ensureEditorBuilt(root: string, log: Logger): Promise<string> {
  const out = join(root, 'dist');
  const index = join(out, 'index.html');
  const sources = [join(root, 'editor'), join(root, 'nodes'), join(root, 'engine')].filter(existsSync);
  const stale = !existsSync(index) || statSync(index).mtimeMs < Math.max(...sources.map(newest), statSync(join(root, 'vite.config.ts')).mtimeMs);
  if (stale) {
    log.info('building the editor (once after each change)…');
    const { build } = await import('vite');
    await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  }
  return out;
}

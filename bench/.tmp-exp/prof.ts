import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp } from '../../e2e/app.ts';
import { launchBrowser } from '../../e2e/browser.ts';
import { generateGraph, measureLoad, watchForNodes } from '../editor.ts';

const app = await startApp();
const browser = await launchBrowser();
const graph = generateGraph(300);
await fetch(`${app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'b', graph }) });
for (let round = 0; round < 2; round++) {
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
await page.route(/\/(assets\/.*|index\.html|)$/, (route) => {
  const path = new URL(route.request().url()).pathname;
  const file = join('/tmp/dist-prof', path === '/' ? 'index.html' : path);
  const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
  return route.fulfill({ body: readFileSync(file), contentType: type });
});
await page.addInitScript(watchForNodes, 300);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const ms = await measureLoad(page, app.url, 300);
type N = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: N[]; samples: number[]; timeDeltas: number[] } };
const timings = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/')).map((r) => `${r.name.replace(/^https?:\/\/[^/]+/, '').slice(0, 40)} ${Math.round(r.startTime)}→${Math.round((r as PerformanceResourceTiming).responseEnd)}`));
console.log('load ms', ms, '\n' + timings.join('\n'));
console.log((await page.evaluate(() => (window as unknown as { __renders: string[] }).__renders)).join('\n'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfT = new Map<number, number>();
profile.samples.forEach((id, i) => selfT.set(id, (selfT.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const incl = new Map<string, number>();
const walk = (id: number, stack: Set<string>): number => {
  const n = byId.get(id)!;
  let t = selfT.get(id) ?? 0;
  const name = n.callFrame.functionName || '(anon)';
  const fresh = !stack.has(name);
  if (fresh) stack.add(name);
  for (const c of n.children ?? []) t += walk(c, stack);
  if (fresh) { stack.delete(name); incl.set(name, (incl.get(name) ?? 0) + t); }
  return t;
};
walk(profile.nodes[0]!.id, new Set());
const want = ['StrategyNodeView', 'Canvas', 'App', 'useStrategyDocument', 'flowToGraph', 'paramSummary', 'NodeWrapper', 'EdgeWrapper', 'Inspector', 'BottomPanel', 'StrategyOverview', 'Palette', 'MiniMapNodes', 'MiniMap', 'useGraphHistory', 'changeGroup', 'compileKey', 'placeAnnotations', 'routeChanges', 'updateNodeInternals', 'updateDimensions', 'renderRootSync', 'commitRoot', 'performWorkOnRoot', 'stringify', 'getHandleBounds', 'getBoundingClientRect', 'ProblemsList', 'CompileStatus', 'PaletteItem', 'TopBar', 'StrategyMenu', 'ResultsView', 'DiffViewCanvas'];
console.log(want.map((w) => `${(incl.get(w) ?? 0).toFixed(0).padStart(6)} ${w}`).join('\n'));
await page.close();
}
await browser.close();
await app.stop();

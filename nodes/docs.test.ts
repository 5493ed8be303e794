import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderNodeDocs } from '../scripts/node-docs.ts';
import { registry } from './index.ts';

describe('docs/nodes.md', () => {
  it('is what the registry says (regenerate with `node scripts/node-docs.ts`)', () => {
    expect(readFileSync(new URL('../docs/nodes.md', import.meta.url), 'utf8')).toBe(renderNodeDocs());
  });

  // The README's count went stale once (95 after the 96th node was added): it is checked here too.
  it("matches the README's counts of built-in nodes and indicators", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const nodes = registry.definitions;
    expect(readme.match(/(\d+) built-in nodes/)?.[1]).toBe(String(nodes.length));
    expect(readme.match(/(\d+) indicators checked/)?.[1]).toBe(String(nodes.filter((n) => n.category === 'indicator').length));
  });
});

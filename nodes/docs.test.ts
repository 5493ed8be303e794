import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderNodeDocs } from '../scripts/node-docs.ts';

describe('docs/nodes.md', () => {
  it('is what the registry says (regenerate with `node scripts/node-docs.ts`)', () => {
    expect(readFileSync(new URL('../docs/nodes.md', import.meta.url), 'utf8')).toBe(renderNodeDocs());
  });
});

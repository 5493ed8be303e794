import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { isCustomType, upgradeParams } from './useCustomNodes.ts';

const v2 = {
  type: 'custom.myEma',
  version: 2,
  paramsSchema: { type: 'object', properties: { period: { type: 'integer', default: 20 }, smooth: { type: 'boolean', default: true } } },
  defaults: { period: 20, smooth: true },
} as unknown as CatalogEntry;

describe('moving a custom node to a newer version', () => {
  it('keeps the params the new version still has and takes its defaults for the rest', () => {
    expect(upgradeParams({ period: 7, gone: 'x' }, v2)).toEqual({ period: 7, smooth: true });
  });

  it('does not share the defaults object with the catalog', () => {
    const params = upgradeParams({}, v2);
    params.period = 3;
    expect(v2.defaults).toEqual({ period: 20, smooth: true });
  });

  it('knows custom types by their prefix', () => {
    expect(isCustomType('custom.myEma')).toBe(true);
    expect(isCustomType('indicator.ema')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { openingViewport, overviewZoom, readableZoom } from './opening-viewport.ts';

describe('the viewport a strategy opens at', () => {
  it('fits a small strategy with a margin, at most at zoom 1', () => {
    const v = openingViewport({ x: 0, y: 0, width: 600, height: 300 }, 1000, 600);
    expect(v.zoom).toBe(1);
    expect(v.x).toBeCloseTo(200);
    expect(v.y).toBeCloseTo(150);
  });

  it('fits tighter when the margin alone would make it unreadable', () => {
    const v = openingViewport({ x: 0, y: 0, width: 1300, height: 300 }, 1000, 600);
    expect(v.zoom).toBeGreaterThanOrEqual(readableZoom);
    expect(v.zoom).toBeLessThan(0.8);
  });

  it('opens a strategy too wide to read whole at a readable zoom, from its left edge, centred vertically', () => {
    // A template's size on a 1440 × 900 screen's canvas, which fitted at zoom 0.43 (the overview look).
    const bounds = { x: 40, y: 10, width: 2000, height: 500 };
    const v = openingViewport(bounds, 870, 540);
    expect(v.zoom).toBe(readableZoom);
    expect(v.zoom).toBeGreaterThan(overviewZoom);
    expect(v.x + bounds.x * v.zoom).toBe(24);
    expect(v.y + (bounds.y + bounds.height / 2) * v.zoom).toBeCloseTo(270);
  });

  it('from its top when it is too tall as well', () => {
    const bounds = { x: 0, y: -100, width: 3000, height: 2000 };
    const v = openingViewport(bounds, 870, 540);
    expect(v.y + bounds.y * v.zoom).toBe(24);
  });
});

import { ColorType, CrosshairMode, type ChartOptions, type DeepPartial } from 'lightweight-charts';
import { fmtNumber } from '../../format.ts';
import type { Theme } from '../../theme.ts';
import { chartPalettes } from './chart-theme-colors.ts';

export { chartPalettes, type ChartPalette } from './chart-theme-colors.ts';

/** The theme-dependent part of a chart's options, to build a chart with or to apply on a theme switch. */
export function themeOptions(theme: Theme): DeepPartial<ChartOptions> {
  const p = chartPalettes[theme];
  return {
    layout: { textColor: p.text, panes: { separatorColor: p.border, separatorHoverColor: p.separatorHover } },
    grid: { vertLines: { color: p.grid }, horzLines: { color: p.grid } },
    rightPriceScale: { borderColor: p.border },
    timeScale: { borderColor: p.border },
    crosshair: { vertLine: { labelBackgroundColor: p.crosshairLabel, color: p.crosshair }, horzLine: { labelBackgroundColor: p.crosshairLabel, color: p.crosshair } },
  };
}

/** The desk look every results chart shares, in the given theme, so price, equity and comparison charts match. */
export function chartOptions(overrides: DeepPartial<ChartOptions> = {}, theme: Theme = 'dark'): DeepPartial<ChartOptions> {
  const colours = themeOptions(theme);
  const base: DeepPartial<ChartOptions> = {
    ...colours,
    autoSize: true,
    layout: {
      ...colours.layout,
      background: { type: ColorType.Solid, color: 'transparent' },
      fontSize: 11,
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
      panes: { ...colours.layout!.panes, enableResize: true },
    },
    timeScale: { ...colours.timeScale, timeVisible: true, secondsVisible: false },
    crosshair: { ...colours.crosshair, mode: CrosshairMode.Normal },
  };
  return {
    ...base,
    ...overrides,
    layout: { ...base.layout, ...overrides.layout },
    timeScale: { ...base.timeScale, ...overrides.timeScale },
    rightPriceScale: { ...base.rightPriceScale, ...overrides.rightPriceScale },
  };
}

/** Prices with as many decimals as their size needs: 42,150.5 · 101.23 · 0.004521. */
export function formatPrice(p: number): string {
  const abs = Math.abs(p);
  if (abs >= 1e15) return fmtNumber(p);
  return p.toLocaleString('en-US', { minimumFractionDigits: abs >= 1000 ? 0 : 2, maximumFractionDigits: abs >= 1000 ? 2 : abs >= 1 ? 2 : 6 });
}

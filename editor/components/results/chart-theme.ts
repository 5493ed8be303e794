import { ColorType, CrosshairMode, type ChartOptions, type DeepPartial } from 'lightweight-charts';

/** The dark desk look every results chart shares, so the price, equity and comparison charts match. */
export function chartOptions(overrides: DeepPartial<ChartOptions> = {}): DeepPartial<ChartOptions> {
  const base: DeepPartial<ChartOptions> = {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: '#8a94a3',
      fontSize: 11,
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
      panes: { separatorColor: '#252c36', separatorHoverColor: '#2d3541', enableResize: true },
    },
    grid: { vertLines: { color: '#1a2028' }, horzLines: { color: '#1a2028' } },
    rightPriceScale: { borderColor: '#252c36' },
    timeScale: { borderColor: '#252c36', timeVisible: true, secondsVisible: false },
    crosshair: { mode: CrosshairMode.Normal, vertLine: { labelBackgroundColor: '#2b3340', color: '#4a5566' }, horzLine: { labelBackgroundColor: '#2b3340', color: '#4a5566' } },
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
  return p.toLocaleString('en-US', { minimumFractionDigits: abs >= 1000 ? 0 : 2, maximumFractionDigits: abs >= 1000 ? 2 : abs >= 1 ? 2 : 6 });
}

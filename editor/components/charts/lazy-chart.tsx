import { lazy, Suspense, type ComponentType } from 'react';

/**
 * A chart component loaded on first use. lightweight-charts and the chart code are a chunk of their
 * own, so opening the editor (the canvas) never waits to download and evaluate them. Until it arrives,
 * an empty box of the chart's own class holds its place, so the panel does not jump.
 */
export function lazyChart<P extends object>(load: () => Promise<ComponentType<P>>, className: string): ComponentType<P> {
  const Chart = lazy(async () => ({ default: await load() }));
  function LazyChart(props: P) {
    return (
      <Suspense fallback={<div className={className} aria-busy="true" />}>
        <Chart {...props} />
      </Suspense>
    );
  }
  return LazyChart;
}
